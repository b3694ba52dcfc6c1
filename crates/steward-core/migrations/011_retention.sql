-- Issue 13 §1–2: the retention schedule.
--
-- What starts each purpose's retention period: the customer's latest
-- agreement to it (`consent`), or the later of that and their last purchase
-- (`last-visit`: membership and loyalty, which a regular customer keeps
-- using; counting them from the day they joined would erase a regular).
ALTER TABLE purpose ADD COLUMN retention_clock TEXT NOT NULL DEFAULT 'consent'
    CHECK (retention_clock IN ('consent', 'last-visit'));
UPDATE purpose SET retention_clock = 'last-visit' WHERE id IN ('membership', 'loyalty');

-- One row per run of the retention schedule: its journal of intent and,
-- once finished, its summary. `as_of` is the moment the run erases up to, so
-- a run killed half-way resumes with the same list. No customer is named:
-- the list is worked out again from the ledger and the purchases, and each
-- customer's erasure commits in its own transaction with the run's counts.
CREATE TABLE retention_run (
    id                 INTEGER PRIMARY KEY,
    started_at         TEXT    NOT NULL,
    as_of              TEXT    NOT NULL,
    trigger            TEXT    NOT NULL CHECK (trigger IN ('schedule', 'owner')),
    by_user            INTEGER,
    planned            INTEGER NOT NULL,
    customers_erased   INTEGER NOT NULL DEFAULT 0,
    purposes_expired   INTEGER NOT NULL DEFAULT 0,
    kept_held          INTEGER NOT NULL DEFAULT 0,
    kept_restricted    INTEGER NOT NULL DEFAULT 0,
    destruction_record INTEGER REFERENCES destruction_record (id),
    finished_at        TEXT
) STRICT;
