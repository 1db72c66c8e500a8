-- Unprompted messages are counted and stopped per debtor (account), not per chat: a debtor with
-- two verified chats is messaged once, and /stop in one chat holds in the other.
-- messages_sent remembers the account each message was about (NULL: the chat was not bound);
-- the rows already there take their chat's current account.
ALTER TABLE messages_sent ADD COLUMN account_ref TEXT;
UPDATE messages_sent SET account_ref = (SELECT c.account_ref FROM chats c WHERE c.chat_id = messages_sent.chat_id);
CREATE INDEX messages_sent_account ON messages_sent(account_ref, at);

-- /stop from a verified chat: no unprompted message to any chat of the account until /resume.
-- The chat's own opted_out flag stays for /stop before verification and a blocked bot (a 403
-- closes that channel only).
CREATE TABLE opt_outs (
    account_ref TEXT PRIMARY KEY,
    at          TEXT NOT NULL
);
-- Chats already opted out: a /stop and a 403 look alike in the old rows, so both count (the
-- side that sends fewer messages).
INSERT INTO opt_outs (account_ref, at)
    SELECT account_ref, MAX(updated_at) FROM chats
    WHERE opted_out = 1 AND account_ref IS NOT NULL AND verified_at IS NOT NULL
    GROUP BY account_ref;
