DROP TABLE audit_log;
DROP TABLE rate_counters;
DROP TABLE login_failures;
DROP TABLE email_tokens;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
