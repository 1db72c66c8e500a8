-- A step's replies, kept with its update id from the step's own commit until they are sent
-- (flows/outcome_codec.py's JSON; NULL once sent, or when the step had none). An instance that
-- dies between the commit and the sending leaves them here, and the update, delivered again,
-- sends them instead of nothing.
ALTER TABLE processed_updates ADD COLUMN replies TEXT;
