-- Issue 13 §3: encrypted backups that honour erasure.
--
-- The folder the owner keeps backups in (a USB disk, a synced folder): a
-- path of the owner's choosing, kept inside the encrypted vault.
ALTER TABLE shop ADD COLUMN backup_folder TEXT;

-- Destruction records gain two triggers: an erasure replayed on restored
-- data ('restore-replay': a backup made before the erasure must not bring
-- the customer back) and backups deleted once older than the longest
-- retention period ('backup-prune'). SQLite cannot change a CHECK in
-- place, so the table is rebuilt with the same columns and rows.
CREATE TABLE destruction_record_new (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    trigger    TEXT    NOT NULL
               CHECK (trigger IN ('customer-request', 'retention', 'restore-replay', 'backup-prune')),
    ground     TEXT    NOT NULL,
    by_user    INTEGER,
    by_role    TEXT,
    method     TEXT    NOT NULL,
    rows       TEXT    NOT NULL,             -- JSON object: table (or 'backup files') -> rows
    residue    TEXT    NOT NULL CHECK (residue IN ('clean', 'found', 'not-checked')),
    values_checked INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO destruction_record_new
    SELECT id, at, trigger, ground, by_user, by_role, method, rows, residue, values_checked
    FROM destruction_record;
DROP TABLE destruction_record;
ALTER TABLE destruction_record_new RENAME TO destruction_record;
