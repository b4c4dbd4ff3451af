-- The agenda of an event: its sessions (title, times, room) and their speakers. A speaker is
-- known by a key, the name in lower case with accents stripped and spaces collapsed, so that
-- « Élodie  Martin » and « elodie martin » are one person. No room or speaker is in two places
-- at once: the service checks it in the write transaction, serialised per room and per speaker.
CREATE TABLE event_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 160),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    room_id BIGINT REFERENCES rooms (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);
-- A room's bookings and conflicts: sessions in that room by time.
CREATE INDEX event_sessions_room ON event_sessions (room_id, starts_at);

CREATE TABLE session_speakers (
    session_id BIGINT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    speaker_key TEXT NOT NULL CHECK (length(speaker_key) >= 1),
    PRIMARY KEY (session_id, speaker_key)
);
-- A speaker's other sessions.
CREATE INDEX session_speakers_key ON session_speakers (speaker_key);
