DROP TABLE favorite_themes;
DROP TABLE favorite_organizations;
