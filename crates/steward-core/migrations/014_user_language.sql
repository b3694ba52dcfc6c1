-- Issue 14: staff screens in the shop's languages.
--
-- Each account may choose the language of its screens (NULL: the shop's
-- default), and the shop has a default for everyone who has not chosen.
-- Existing vaults start in English, the language every screen had so far.
ALTER TABLE user_account ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('en', 'ca', 'es', 'id'));
ALTER TABLE shop ADD COLUMN staff_language TEXT NOT NULL DEFAULT 'en'
    CHECK (staff_language IN ('en', 'ca', 'es', 'id'));
