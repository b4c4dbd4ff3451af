-- A member of one organization asks about another's offering. Status: new → in_discussion →
-- accepted or declined; expired when nobody settled it within 21 days of the last step. The
-- owners get a reminder after 5 days without an answer (reminded_at keeps it to one).
CREATE TABLE offering_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id BIGINT NOT NULL REFERENCES offerings (id) ON DELETE CASCADE,
    requester_org_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    requester_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    message TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_discussion', 'accepted', 'declined', 'expired')),
    answer TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP
);
CREATE INDEX offering_requests_offering ON offering_requests (offering_id, status);
CREATE INDEX offering_requests_requester ON offering_requests (requester_org_id, status);
-- One open request per organization and offering.
CREATE UNIQUE INDEX offering_requests_open ON offering_requests (offering_id, requester_org_id) WHERE status IN ('new', 'in_discussion');
