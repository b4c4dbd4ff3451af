DROP INDEX registrations_queue;
ALTER TABLE registrations DROP COLUMN lang;
ALTER TABLE registrations DROP COLUMN offer_expires_at;
ALTER TABLE registrations DROP COLUMN queued_at;
ALTER TABLE events DROP COLUMN offer_hours;
