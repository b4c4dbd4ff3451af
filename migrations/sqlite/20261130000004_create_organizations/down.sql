DROP TABLE organization_members;
DROP TABLE organization_themes;
DROP TABLE organizations;
