-- The debtor's refusal of contact (Russia: 230-FZ art. 8, by a statement once 4 months overdue):
-- recorded by staff (`debtdesk refuse-contact`) or the bank's API. While a row is here nothing
-- unprompted goes to any chat of the account and the call queue leaves it out
-- (refused_contact); the debtor can still use the bot.
CREATE TABLE contact_refusals (
    account_ref TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    source      TEXT NOT NULL
);
