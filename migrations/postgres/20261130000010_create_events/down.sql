DROP TABLE registrations;
DROP TABLE event_themes;
DROP TABLE events;
DROP TABLE rooms;
DROP TABLE venues;
