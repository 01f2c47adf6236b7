-- The language of the slides (issue 34), apart from the interface's: what each user chose in
-- /settings ('auto': the topic's own language, 'interface', or an ISO 639-1 code), and the
-- language each workflow fixed when it was requested (a resumed run writes in the same one).
-- Rows from before carry none; the workflow's interface language applies to them.
ALTER TABLE user_settings ADD COLUMN content_lang TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE workflows ADD COLUMN content_lang TEXT;
