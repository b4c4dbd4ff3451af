-- Organizations: the cluster's startups, its partners (ENGIE, ENGIE Cofely…) and its founding
-- members. A new organization waits for a cluster admin (status `pending`) before it is public.
CREATE TABLE organizations (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('startup', 'partner', 'founding_member')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'rejected', 'suspended')),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    slug TEXT NOT NULL UNIQUE,
    pitch TEXT NOT NULL DEFAULT '' CHECK (length(pitch) <= 200),
    description TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    stage TEXT CHECK (stage IS NULL OR stage IN ('idee', 'prototype', 'amorcage', 'croissance')),
    team_size INTEGER CHECK (team_size IS NULL OR team_size BETWEEN 1 AND 100000),
    founded_year INTEGER CHECK (founded_year IS NULL OR founded_year BETWEEN 1800 AND 2100),
    city TEXT NOT NULL DEFAULT 'Amiens',
    website TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    moderation_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_public ON organizations (status, kind, name);

CREATE TABLE organization_themes (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, theme_id)
);

CREATE TABLE organization_members (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);
