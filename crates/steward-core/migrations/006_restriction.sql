-- Steward vault schema 6: restriction of processing (GDPR Art. 18). A
-- customer whose record is restricted is kept but not used: not found by
-- staff searches, in no marketing audience or hand-over to a recipient, and
-- their record cannot be changed until the restriction is lifted. Lifting
-- deletes the row; the audit log keeps when it was set and lifted, and why
-- (the category, never the free text). Shipped migrations are never
-- edited; later changes are new files.

CREATE TABLE customer_restriction (
    customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
    -- Why, from a fixed list (`RestrictionCategory`).
    category    TEXT    NOT NULL CHECK (category IN
                    ('accuracy-contested', 'objection-pending',
                     'unlawful-but-kept', 'legal-claim')),
    -- What the staff member typed about it: personal data, kept here only.
    reason      TEXT,
    since       TEXT    NOT NULL,
    set_by      INTEGER NOT NULL
) STRICT;
