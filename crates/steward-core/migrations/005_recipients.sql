-- Schema 5: the shop's recipients (processors and others the shop hands
-- data to: a delivery firm, an e-mail service, an accountant), each bound to
-- one purpose by a written agreement, and every hand-over to them (which
-- customer, which fields; never the values). A disclosure outlives the
-- customer: the shop must be able to tell each recipient of a correction,
-- restriction or erasure (GDPR Art. 19), so it names the customer by number
-- only, as the audit log does.
CREATE TABLE recipient (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    receives       TEXT    NOT NULL CHECK (length(receives) BETWEEN 1 AND 300),
    purpose        TEXT    NOT NULL REFERENCES purpose (id),
    country        TEXT    NOT NULL CHECK (length(country) = 2),
    agreement_date TEXT    NOT NULL,
    agreement_ref  TEXT    NOT NULL CHECK (length(agreement_ref) BETWEEN 1 AND 120),
    added_at       TEXT    NOT NULL,
    removed_at     TEXT
) STRICT;

CREATE TABLE disclosure (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipient (id),
    customer_id  INTEGER NOT NULL,
    fields       TEXT    NOT NULL,          -- JSON array of catalog keys
    at           TEXT    NOT NULL,
    by_user      INTEGER NOT NULL
) STRICT;

CREATE INDEX disclosure_by_customer ON disclosure (customer_id, recipient_id);

-- What each recipient must be told (GDPR Art. 19): a customer who received
-- a hand-over was since corrected (or restricted, or erased). The owner
-- tells the recipient and marks it done; the row says when.
CREATE TABLE recipient_notice (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipient (id),
    customer_id  INTEGER NOT NULL,
    event        TEXT    NOT NULL CHECK (event IN ('corrected', 'restricted', 'erased')),
    fields       TEXT    NOT NULL,          -- JSON array of catalog keys
    since        TEXT    NOT NULL,
    told_at      TEXT
) STRICT;

CREATE INDEX recipient_notice_open ON recipient_notice (told_at, id);
