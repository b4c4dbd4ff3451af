-- Venues and their rooms, thematic events, and registrations with a FIFO waitlist. The seats
-- taken are counted on the event and only ever changed by guarded statements (never above the
-- capacity); the waitlist's order is the registrations' id order.
CREATE TABLE venues (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT 'Amiens',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE rooms (
    id BIGSERIAL PRIMARY KEY,
    venue_id BIGINT NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    UNIQUE (venue_id, name)
);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 160),
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    room_id BIGINT REFERENCES rooms (id) ON DELETE SET NULL,
    online_url TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    registration_opens_at TIMESTAMP,
    registration_closes_at TIMESTAMP,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
    approval BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_calendar ON events (status, starts_at);
CREATE INDEX events_room ON events (room_id, starts_at);

CREATE TABLE event_themes (
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, theme_id)
);

CREATE TABLE registrations (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_email', 'pending_approval', 'confirmed', 'waitlisted', 'offered', 'cancelled')),
    code TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    checked_in_at TIMESTAMP
);
CREATE INDEX registrations_event ON registrations (event_id, status, id);
CREATE INDEX registrations_user ON registrations (user_id);
-- One live registration per person and event.
CREATE UNIQUE INDEX registrations_one_per_person ON registrations (event_id, email) WHERE status <> 'cancelled';
