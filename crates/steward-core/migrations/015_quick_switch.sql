-- Quick switch at the till (issue 14): a per-user PIN, allowed only when
-- the owner switches it on for the shop, unlocks or switches the user
-- while the vault is open. After five wrong PINs in a row the account's
-- PIN stops working until the user signs in with their passphrase.
ALTER TABLE shop ADD COLUMN quick_switch INTEGER NOT NULL DEFAULT 0
    CHECK (quick_switch IN (0, 1));
ALTER TABLE user_account ADD COLUMN pin_hash TEXT;
ALTER TABLE user_account ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0
    CHECK (pin_failures >= 0);
