-- Issue 15 §3: a shop's old list (a spreadsheet, another till's export)
-- imported as invitations, never as customers: nobody on it has agreed to
-- anything yet. An invitation waits, apart from the customers, until the
-- person joins (the invitation is consumed in the join's transaction),
-- refuses (it is erased), or the owner's period runs out (the retention
-- schedule erases it). Nothing else refers to it, and it refers to no
-- customer.
CREATE TABLE invitation (
    id          INTEGER PRIMARY KEY,
    -- The values as the customer catalog's checks normalised them.
    name        TEXT    NOT NULL,
    email       TEXT,
    phone       TEXT,
    notes       TEXT,
    -- The name folded for the till's search: a space before each word,
    -- lower case, accents dropped (" nuria puig").
    name_key    TEXT    NOT NULL,
    -- The e-mail address in lower case: duplicates and whole-address search.
    email_key   TEXT,
    imported_at TEXT    NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES user_account (id)
) STRICT;
CREATE UNIQUE INDEX invitation_by_email ON invitation (email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX invitation_by_phone ON invitation (phone) WHERE phone IS NOT NULL;
CREATE INDEX invitation_by_age ON invitation (imported_at);

-- How long an invitation waits, in days, counted from its import (the
-- owner's setting; a change applies to those already waiting too).
CREATE TABLE invitation_policy (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    expire_after_days INTEGER NOT NULL DEFAULT 90
                      CHECK (expire_after_days BETWEEN 1 AND 365)
) STRICT;
INSERT INTO invitation_policy (id) VALUES (1);
