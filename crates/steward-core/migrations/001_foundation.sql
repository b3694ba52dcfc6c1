-- Steward vault schema 1: the shop, its user accounts and the audit log.
-- Shipped migrations are never edited; later changes are new files.
-- Timestamps are UTC RFC 3339 text with milliseconds ("2026-11-23T08:42:00.000Z").

CREATE TABLE shop (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    name             TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    autolock_seconds INTEGER NOT NULL DEFAULT 300 CHECK (autolock_seconds BETWEEN 5 AND 3600)
) STRICT;

CREATE TABLE user_account (
    id                     INTEGER PRIMARY KEY,
    username               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role                   TEXT    NOT NULL
                           CHECK (role IN ('owner', 'manager', 'staff', 'marketing', 'auditor')),
    passphrase_hash        TEXT    NOT NULL,
    must_change_passphrase INTEGER NOT NULL DEFAULT 0 CHECK (must_change_passphrase IN (0, 1)),
    disabled               INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins          INTEGER NOT NULL DEFAULT 0,
    retry_not_before       TEXT,
    created_at             TEXT    NOT NULL
) STRICT;

-- The audit log. It names users by id and subjects by id, never by name or
-- value. user_id has no foreign key on purpose: the log outlives any row.
CREATE TABLE audit_event (
    seq       INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    user_id   INTEGER,
    role      TEXT,
    action    TEXT    NOT NULL,
    subject   TEXT,
    purpose   TEXT,
    outcome   TEXT    NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL
) STRICT;

CREATE TRIGGER audit_event_is_append_only_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_event_is_append_only_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
