-- Issue 12 §3: erasing a customer as a whole (GDPR Art. 17).
--
-- A tombstone per erased customer: their number and random public id, when
-- and on which ground (a word, never typed text). Neither holds personal
-- data once the customer's rows are gone; the public id lets a restored
-- backup replay the erasure, and the number is never given to anyone new
-- (the audit log and the disclosures still name it).
CREATE TABLE erasure_tombstone (
    customer_id INTEGER PRIMARY KEY,
    public_id   TEXT    NOT NULL UNIQUE,
    erased_at   TEXT    NOT NULL,
    ground      TEXT    NOT NULL
) STRICT;

-- What was destroyed, for accountability: categories and row counts, when,
-- why, by which account, how, and what the residue check found. It names no
-- customer: neither number nor public id.
CREATE TABLE destruction_record (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    trigger    TEXT    NOT NULL CHECK (trigger IN ('customer-request', 'retention')),
    ground     TEXT    NOT NULL,
    by_user    INTEGER,
    by_role    TEXT,
    method     TEXT    NOT NULL,
    rows       TEXT    NOT NULL,             -- JSON object: table -> rows
    residue    TEXT    NOT NULL CHECK (residue IN ('clean', 'found', 'not-checked')),
    values_checked INTEGER NOT NULL DEFAULT 0
) STRICT;
