-- A person's registrations are found by account or by address (guest registrations).
CREATE INDEX registrations_email ON registrations (email);
