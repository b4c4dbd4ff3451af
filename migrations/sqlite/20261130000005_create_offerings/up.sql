-- Offerings of an organization: products, services, expertise, mentoring, perks. Lifecycle:
-- draft → submitted → published, or changes_requested → submitted again, or rejected;
-- published → archived. The decisions of the moderators are kept.
CREATE TABLE offerings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('produit', 'service', 'solution', 'expertise', 'mentorat', 'avantage')),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    slug TEXT NOT NULL UNIQUE,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'startups', 'partners')),
    conditions TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'changes_requested', 'published', 'rejected', 'archived')),
    moderation_note TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offerings_public ON offerings (status, kind, published_at);
CREATE INDEX offerings_organization ON offerings (organization_id);

CREATE TABLE offering_themes (
    offering_id BIGINT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    PRIMARY KEY (offering_id, theme_id)
);

CREATE TABLE offering_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id BIGINT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX offering_decisions_offering ON offering_decisions (offering_id, at);
