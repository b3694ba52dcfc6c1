-- Schema 4: how long the app may stay locked with the vault open (its key
-- and decrypted pages in memory) before it closes the vault, so that the
-- next sign-in opens it again from the key slots. A short lock, for a user
-- switch at the till, keeps it open.
ALTER TABLE shop ADD COLUMN close_after_locked_minutes INTEGER NOT NULL DEFAULT 15
    CHECK (close_after_locked_minutes BETWEEN 1 AND 1440);
