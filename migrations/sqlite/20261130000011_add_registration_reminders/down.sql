ALTER TABLE registrations DROP COLUMN reminded_at;
