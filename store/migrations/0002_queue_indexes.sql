-- Indexes that answer the call queue's per-account lookups (store/queue.py) from the index
-- alone, without reading the table rows: a promise's due date and a chat's last message.
-- Each replaces an index that was its prefix, so every query the old one served it serves too.
DROP INDEX promises_account;
CREATE INDEX promises_account ON promises(account_ref, status, due_date);
DROP INDEX chats_account;
CREATE INDEX chats_account ON chats(account_ref, last_seen_at);
