DROP TABLE session_speakers;
DROP TABLE event_sessions;
