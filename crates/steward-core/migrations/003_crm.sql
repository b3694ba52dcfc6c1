-- Steward vault schema 3: the everyday CRM. Purchases, notes, tasks, tags
-- and loyalty points per customer, the search index, and the field names an
-- audit entry touched. Every table that holds a customer's data hangs off
-- `customer` with ON DELETE CASCADE, so erasing the customer erases it all.
-- Shipped migrations are never edited; later changes are new files.

-- The names (never values) of the fields an access read or changed, comma
-- separated. Part of the entry's hash when present.
ALTER TABLE audit_event ADD COLUMN fields TEXT;

-- Which purposes are marketing: the marketing role sees only customers who
-- granted one, and only the fields those purposes list.
ALTER TABLE purpose ADD COLUMN marketing INTEGER NOT NULL DEFAULT 0 CHECK (marketing IN (0, 1));
UPDATE purpose SET marketing = 1
 WHERE id IN ('email-offers', 'sms-offers', 'birthday-offer', 'recommendations');

-- The currency the till records amounts in (ISO 4217).
ALTER TABLE shop ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';

-- A purchase: what was bought, for how much, when. Never how it was paid.
CREATE TABLE purchase (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    bought_on   TEXT    NOT NULL,                 -- YYYY-MM-DD
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    currency    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    created_by  INTEGER NOT NULL
) STRICT;

CREATE INDEX purchase_by_customer ON purchase (customer_id, bought_on, id);

CREATE TABLE purchase_item (
    purchase_id INTEGER NOT NULL REFERENCES purchase (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    description TEXT    NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_cents  INTEGER NOT NULL CHECK (unit_cents >= 0),
    PRIMARY KEY (purchase_id, position)
) STRICT;

CREATE TABLE customer_note (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    created_by  INTEGER NOT NULL
) STRICT;

CREATE INDEX customer_note_by_customer ON customer_note (customer_id, id);

CREATE TABLE customer_task (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    due_on       TEXT,                            -- YYYY-MM-DD
    done_at      TEXT,
    created_at   TEXT    NOT NULL,
    created_by   INTEGER NOT NULL
) STRICT;

CREATE INDEX customer_task_by_customer ON customer_task (customer_id, done_at, id);

CREATE TABLE customer_tag (
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    tag         TEXT    NOT NULL,
    PRIMARY KEY (customer_id, tag)
) STRICT;

-- A loyalty account exists only while the customer agrees to `loyalty`.
CREATE TABLE loyalty_account (
    customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
    number      TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE TABLE loyalty_entry (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES loyalty_account (customer_id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    points      INTEGER NOT NULL,
    reason      TEXT    NOT NULL,                 -- purchase, redeem, adjust
    purchase_id INTEGER REFERENCES purchase (id) ON DELETE CASCADE,
    created_by  INTEGER NOT NULL
) STRICT;

CREATE INDEX loyalty_entry_by_customer ON loyalty_entry (customer_id);
CREATE INDEX loyalty_entry_by_purchase ON loyalty_entry (purchase_id);

-- The search index: names, e-mail addresses, phone numbers and loyalty
-- numbers, folded to lower case without accents. FTS5 keeps its own copy of
-- the indexed text so that deleting a row can take the row's terms out of
-- the index pages (`secure-delete`); a contentless table could only mark
-- the row deleted and leave its terms in place until a merge.
CREATE VIRTUAL TABLE customer_search USING fts5 (
    name, email, phone, loyalty,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO customer_search (customer_search, rank) VALUES ('secure-delete', 1);
