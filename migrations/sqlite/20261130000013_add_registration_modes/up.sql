-- Registration modes: a seat offered for a set time to the first in line (timed-offer mode),
-- guests who confirm by email and people approved by the organizers join the line when they
-- are confirmed or approved (queued_at), not when they first asked; the language of guests' emails.
ALTER TABLE events ADD COLUMN offer_hours INTEGER CHECK (offer_hours BETWEEN 1 AND 168);
ALTER TABLE registrations ADD COLUMN queued_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE registrations SET queued_at = created_at;
ALTER TABLE registrations ADD COLUMN offer_expires_at TIMESTAMP;
ALTER TABLE registrations ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en'));
CREATE INDEX registrations_queue ON registrations (event_id, status, queued_at, id);
