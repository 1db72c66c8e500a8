-- Paying in the chat (issue 18): what a payment did to its account, so that a reversal can undo
-- exactly that; when it was reversed; where it came from; and the invoice it paid, so that a
-- second payment of the same invoice is refused before it is taken.

-- The changes the payment made, as "column=decimal" pairs joined by ";" (balance, minimum_due,
-- overdue_amount, credit_balance) and the oldest due date it cleared; NULL: not applied
-- (already in the portfolio) or recorded before this column.
ALTER TABLE payments ADD COLUMN applied TEXT;
ALTER TABLE payments ADD COLUMN reversed_at TEXT;
ALTER TABLE payments ADD COLUMN source TEXT NOT NULL DEFAULT 'file';  -- file (the bank's file or API) | telegram
ALTER TABLE payments ADD COLUMN invoice TEXT;  -- the signed invoice it paid (Telegram), else NULL
CREATE INDEX payments_invoice ON payments(invoice);
