-- A reference typed in another case than the bank wrote it ("demo-0003" for "DEMO-0003", as a
-- phone keyboard may type it) is found through this index (store/accounts.py as_stored).
-- References are ASCII letters, digits and . _ / - (debt/portfolio.py), so upper() is the same
-- on both engines.
CREATE INDEX accounts_ref_upper ON accounts (upper(account_ref));
