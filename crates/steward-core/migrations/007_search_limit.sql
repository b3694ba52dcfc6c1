-- Steward vault schema 7: the hourly limit on how many different customers
-- one person's searches may show (issue 11 §5). What each search showed is
-- already in the audit log (`customer.search`, the customers it listed), so
-- the count is read from there; this adds the owner's setting and an index
-- that keeps reading one user's last hour cheap.
-- Shipped migrations are never edited; later changes are new files.

-- The most different customers the searches of one manager or staff account
-- may show within an hour (the owner is not limited).
ALTER TABLE shop ADD COLUMN search_limit_per_hour INTEGER NOT NULL DEFAULT 60
    CHECK (search_limit_per_hour BETWEEN 1 AND 1000);

-- One user's entries of one action, in time order: the searches of the last
-- hour and the limit's alerts.
CREATE INDEX audit_event_by_user_action ON audit_event (user_id, action, at);
