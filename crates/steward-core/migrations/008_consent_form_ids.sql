-- Issue 11 §7: a consent form submitted twice (a retry after an error, a
-- double click, a lost reply) records one act, not two. Each form carries a
-- random id (a UUID) from when it is shown; the receipt issued for it keeps
-- that id and a digest of what was submitted apart from the typed values
-- (act, customer, language, notice version, purposes, field names, method,
-- identity check, signature), so a second submission of the same form gets
-- the first one's result and a different one under the same id is refused.
-- Neither column holds personal data. Receipts issued before this (and acts
-- recorded without a form id) have NULL in both.
ALTER TABLE consent_receipt ADD COLUMN form_id TEXT;
ALTER TABLE consent_receipt ADD COLUMN form_sha256 BLOB;

CREATE UNIQUE INDEX consent_receipt_form_id ON consent_receipt (form_id)
    WHERE form_id IS NOT NULL;
