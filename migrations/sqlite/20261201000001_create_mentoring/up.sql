-- Mentoring: mentor profiles (expertise, languages, weekly slots, capacity), startup projects
-- (needs), mentorships from request to feedback with a session log, and the admins' matching
-- rounds. A mentor's active mentees are counted on the profile and only ever changed by guarded
-- statements (never above the capacity).
CREATE TABLE mentor_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL DEFAULT '' CHECK (length(headline) <= 160),
    bio TEXT NOT NULL DEFAULT '' CHECK (length(bio) <= 4000),
    -- ISO 639-1 codes separated by commas, e.g. 'fr,en'.
    languages TEXT NOT NULL DEFAULT 'fr',
    -- The project stages the mentor takes, separated by commas; empty: every stage.
    stages TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 2 CHECK (capacity BETWEEN 0 AND 20),
    active_mentees INTEGER NOT NULL DEFAULT 0 CHECK (active_mentees >= 0),
    availability TEXT NOT NULL DEFAULT '' CHECK (length(availability) <= 500),
    visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members', 'hidden')),
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (active_mentees <= capacity)
);

CREATE TABLE mentor_expertise (
    mentor_id BIGINT NOT NULL REFERENCES mentor_profiles (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    PRIMARY KEY (mentor_id, theme_id)
);

-- Weekly availability: ISO weekday (1 = Monday) and minutes since midnight, Europe/Paris.
CREATE TABLE mentor_slots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mentor_id BIGINT NOT NULL REFERENCES mentor_profiles (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (end_minute > start_minute)
);
CREATE INDEX mentor_slots_mentor ON mentor_slots (mentor_id, weekday, start_minute);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 160),
    summary TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    goals TEXT NOT NULL DEFAULT '' CHECK (length(goals) <= 2000),
    stage TEXT NOT NULL CHECK (stage IN ('idea', 'prototype', 'launch', 'growth')),
    languages TEXT NOT NULL DEFAULT 'fr',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'closed')),
    -- Who may find the project: everyone, signed-in members, or only its organization and admins.
    visibility TEXT NOT NULL DEFAULT 'members' CHECK (visibility IN ('public', 'members', 'private')),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_organization ON projects (organization_id, status);
CREATE INDEX projects_status ON projects (status);

CREATE TABLE project_needs (
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 3),
    PRIMARY KEY (project_id, theme_id)
);

CREATE TABLE matching_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'discarded')),
    total_score BIGINT NOT NULL DEFAULT 0,
    greedy_score BIGINT NOT NULL DEFAULT 0,
    greedy_pairs INTEGER NOT NULL DEFAULT 0,
    projects_count INTEGER NOT NULL DEFAULT 0,
    mentors_count INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);

-- A proposed pair of a round, with its score and breakdown (JSON) as computed.
CREATE TABLE matching_round_pairs (
    round_id BIGINT NOT NULL REFERENCES matching_rounds (id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    mentor_id BIGINT NOT NULL REFERENCES mentor_profiles (id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    breakdown TEXT NOT NULL DEFAULT '{}',
    edited BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (round_id, project_id)
);

-- A mentorship from its request (by the startup) or proposal (by an admin) to its end:
-- pending → active → completed; or declined, expired, withdrawn.
CREATE TABLE mentorships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    mentor_id BIGINT NOT NULL REFERENCES mentor_profiles (id) ON DELETE CASCADE,
    origin TEXT NOT NULL CHECK (origin IN ('request', 'proposal')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'declined', 'expired', 'withdrawn', 'completed')),
    message TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
    decline_reason TEXT NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 1000),
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    round_id BIGINT REFERENCES matching_rounds (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    ended_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX mentorships_mentor ON mentorships (mentor_id, status);
CREATE INDEX mentorships_project ON mentorships (project_id, status);
-- One live mentorship (pending or active) per project and mentor.
CREATE UNIQUE INDEX mentorships_live ON mentorships (project_id, mentor_id) WHERE status IN ('pending', 'active');

-- The session log: shared notes that both sides read, and one private note per side.
CREATE TABLE mentorship_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mentorship_id BIGINT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    held_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 600),
    shared_notes TEXT NOT NULL DEFAULT '' CHECK (length(shared_notes) <= 4000),
    mentor_notes TEXT NOT NULL DEFAULT '' CHECK (length(mentor_notes) <= 4000),
    startup_notes TEXT NOT NULL DEFAULT '' CHECK (length(startup_notes) <= 4000),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX mentorship_sessions_by_mentorship ON mentorship_sessions (mentorship_id, held_at);

-- Feedback once the mentorship has ended: one per side.
CREATE TABLE mentorship_feedback (
    mentorship_id BIGINT NOT NULL REFERENCES mentorships (id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('mentor', 'startup')),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (mentorship_id, side)
);
