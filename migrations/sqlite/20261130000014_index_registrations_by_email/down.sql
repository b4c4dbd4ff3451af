DROP INDEX registrations_email;
