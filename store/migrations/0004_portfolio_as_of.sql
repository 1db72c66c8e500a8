-- The reconciliation of the bank's files (debt/reconcile.py, README "The bank's files"):
-- each account row is as of a date, so a payment the bank's figures already hold is not
-- subtracted twice and one they do not is applied on top; NULL for rows loaded before this,
-- which take every payment. A payment above the balance leaves a credit, kept here.
ALTER TABLE accounts ADD COLUMN as_of TEXT;
ALTER TABLE accounts ADD COLUMN credit_balance TEXT NOT NULL DEFAULT '0';
