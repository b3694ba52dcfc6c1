-- Issue 13 §1: what the shop's law requires it to keep, and for how long.
--
-- The shop's jurisdiction picks the defaults the owner is offered: `ES`,
-- `ID` or `EU` (the general default). Any other code written before this
-- release becomes `EU`.
UPDATE shop SET jurisdiction = 'EU' WHERE jurisdiction NOT IN ('ES', 'ID', 'EU');

-- One row per category of record the shop keeps for its own obligations,
-- with how long: `sales-records` (a customer's purchases, kept without the
-- customer after they leave, counted from the purchase day), `access-log`
-- (the audit log's entries) and `destruction-records`. The owner may edit
-- them; existing vaults start with the general EU defaults and change them
-- only when the owner says so.
CREATE TABLE record_keeping_rule (
    category   TEXT    PRIMARY KEY
               CHECK (category IN ('sales-records', 'access-log', 'destruction-records')),
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    unit       TEXT    NOT NULL CHECK (unit IN ('days', 'years')),
    changed_at TEXT,
    changed_by INTEGER
) STRICT;
INSERT INTO record_keeping_rule (category, amount, unit) VALUES
    ('sales-records', 0, 'years'),
    ('access-log', 3, 'years'),
    ('destruction-records', 5, 'years');

-- The bookkeeping copy of an erased customer's purchases: the day, the
-- total and the currency, nothing else (no customer, no purchase number, no
-- item lines, which staff type freely and could name someone). Deleted by
-- the retention schedule once the sales-records period from `sold_on` ends.
CREATE TABLE sales_record (
    id          INTEGER PRIMARY KEY,
    sold_on     TEXT    NOT NULL,
    total_cents INTEGER NOT NULL,
    currency    TEXT    NOT NULL
) STRICT;
CREATE INDEX sales_record_by_day ON sales_record (sold_on);

-- Where the audit log now starts: each time the retention schedule removes
-- the log's oldest entries it records the last removed entry's number and
-- hash (and how many were removed), MACed with the audit chain's key.
-- Verification starts from the newest checkpoint, so the chain stays whole
-- and a removal outside the schedule is still a break. Append-only.
CREATE TABLE audit_checkpoint (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    through_seq INTEGER NOT NULL,
    through_hash BLOB   NOT NULL,
    removed     INTEGER NOT NULL,
    mac         BLOB    NOT NULL
) STRICT;

CREATE TRIGGER audit_checkpoint_is_append_only_update BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'the audit checkpoints are append-only');
END;

CREATE TRIGGER audit_checkpoint_is_append_only_delete BEFORE DELETE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'the audit checkpoints are append-only');
END;

-- The audit log stays append-only, except for entries at or before the
-- newest checkpoint (which the schedule writes in the same transaction).
DROP TRIGGER audit_event_is_append_only_delete;
CREATE TRIGGER audit_event_is_append_only_delete BEFORE DELETE ON audit_event
WHEN OLD.seq > coalesce((SELECT max(through_seq) FROM audit_checkpoint), 0)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- What each run removed under the record-keeping rules.
ALTER TABLE retention_run ADD COLUMN sales_records_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retention_run ADD COLUMN audit_entries_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE retention_run ADD COLUMN destruction_records_removed INTEGER NOT NULL DEFAULT 0;
