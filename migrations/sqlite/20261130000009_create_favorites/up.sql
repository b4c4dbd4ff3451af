-- What a person follows: organizations and themes ("Mes favoris").
CREATE TABLE favorite_organizations (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE TABLE favorite_themes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, theme_id)
);
