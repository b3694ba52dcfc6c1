-- Issue 13 §1: a legal hold per customer (a dispute, a claim). While it
-- lasts nothing of theirs is erased, on schedule or on request (GDPR
-- Art. 17(3)(e)); set and lifted by the owner. The reason is what the owner
-- typed: personal data, kept here only, never in the audit log.
CREATE TABLE legal_hold (
    customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 300),
    since       TEXT    NOT NULL,
    set_by      INTEGER NOT NULL
) STRICT;
