-- The delinquencies that have ended, so that the credit record they left can still be shown
-- after the arrears are paid (the cn rule keeps it 5 years from that day, FCRA 7 years).
-- A trigger records one whenever an account's oldest unpaid due date goes from a date to
-- empty, however that happened (a payments file, or a portfolio that shows it paid): the day
-- it ended is the last payment's date when that is on or after the due date, else the day
-- the change was recorded.
CREATE TABLE cleared_arrears (
    id            INTEGER PRIMARY KEY,
    account_ref   TEXT NOT NULL REFERENCES accounts(account_ref) ON DELETE CASCADE,
    overdue_since TEXT NOT NULL,                -- the oldest unpaid due date it had
    cleared_on    TEXT NOT NULL                 -- the day nothing was overdue any more
);
CREATE INDEX cleared_arrears_account ON cleared_arrears(account_ref, cleared_on);

-- engine: sqlite
CREATE TRIGGER accounts_arrears_cleared AFTER UPDATE OF oldest_due_date ON accounts
WHEN OLD.oldest_due_date IS NOT NULL AND NEW.oldest_due_date IS NULL
BEGIN
    INSERT INTO cleared_arrears (account_ref, overdue_since, cleared_on)
    VALUES (
        NEW.account_ref,
        OLD.oldest_due_date,
        CASE WHEN NEW.last_payment_date >= OLD.oldest_due_date THEN NEW.last_payment_date
             ELSE substr(NEW.updated_at, 1, 10) END
    );
END;
-- engine: postgresql
CREATE FUNCTION accounts_arrears_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cleared_arrears (account_ref, overdue_since, cleared_on)
    VALUES (
        NEW.account_ref,
        OLD.oldest_due_date,
        CASE WHEN NEW.last_payment_date >= OLD.oldest_due_date THEN NEW.last_payment_date
             ELSE substr(NEW.updated_at, 1, 10) END
    );
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_arrears_cleared AFTER UPDATE OF oldest_due_date ON accounts
FOR EACH ROW WHEN (OLD.oldest_due_date IS NOT NULL AND NEW.oldest_due_date IS NULL)
EXECUTE FUNCTION accounts_arrears_cleared();
-- engine: all

-- The due date of the minimum payment shown to the debtor (optional portfolio column
-- payment_due_date), so that an account that is up to date hears when its minimum is due.
ALTER TABLE accounts ADD COLUMN payment_due_date TEXT;
