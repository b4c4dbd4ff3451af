-- When the reminder of the day before was sent (once).
ALTER TABLE registrations ADD COLUMN reminded_at TIMESTAMP;
