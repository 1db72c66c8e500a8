-- debtdesk schema, version 1. Money is TEXT holding a Decimal; dates are ISO TEXT;
-- instants are ISO 8601 UTC TEXT. Factors and link tokens are stored only as keyed hashes.

CREATE TABLE accounts (
    account_ref         TEXT PRIMARY KEY,
    customer_name       TEXT NOT NULL,
    phone               TEXT NOT NULL,          -- E.164
    locale              TEXT NOT NULL,
    timezone            TEXT NOT NULL DEFAULT '',
    currency            TEXT NOT NULL,
    product             TEXT NOT NULL,
    credit_limit        TEXT NOT NULL,
    balance             TEXT NOT NULL,
    minimum_due         TEXT NOT NULL,
    overdue_amount      TEXT NOT NULL,
    oldest_due_date     TEXT,
    fees_charged        TEXT NOT NULL,
    interest_charged    TEXT NOT NULL,
    last_payment_date   TEXT,
    last_payment_amount TEXT,
    status              TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE factors (
    account_ref TEXT NOT NULL REFERENCES accounts(account_ref) ON DELETE CASCADE,
    kind        TEXT NOT NULL,                  -- dob | id_last4 | phone
    digest      TEXT NOT NULL,                  -- HMAC-SHA256, hex
    PRIMARY KEY (account_ref, kind)
);

CREATE TABLE link_tokens (
    digest      TEXT PRIMARY KEY,               -- HMAC-SHA256 of the token, hex
    account_ref TEXT NOT NULL REFERENCES accounts(account_ref) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX link_tokens_account ON link_tokens(account_ref);

CREATE TABLE chats (
    chat_id         INTEGER PRIMARY KEY,
    account_ref     TEXT REFERENCES accounts(account_ref) ON DELETE SET NULL,
    verified_at     TEXT,
    last_seen_at    TEXT,
    locale          TEXT,                       -- the chat's language
    locale_chosen   INTEGER NOT NULL DEFAULT 0, -- 1 once the user picked it with /language
    state           TEXT NOT NULL DEFAULT 'start',
    data            TEXT NOT NULL DEFAULT '{}', -- the flow's JSON state
    opted_out       INTEGER NOT NULL DEFAULT 0, -- /stop or a 403
    updated_at      TEXT NOT NULL
);
CREATE INDEX chats_account ON chats(account_ref);

CREATE TABLE verify_attempts (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    account_ref TEXT,                           -- NULL when the reference was unknown
    at          TEXT NOT NULL,
    ok          INTEGER NOT NULL
);
CREATE INDEX verify_attempts_chat ON verify_attempts(chat_id, at);
CREATE INDEX verify_attempts_account ON verify_attempts(account_ref, at);

CREATE TABLE locks (
    scope TEXT PRIMARY KEY,                     -- chat:<id> | account:<ref>
    until TEXT NOT NULL
);

CREATE TABLE arrangements (
    id          INTEGER PRIMARY KEY,
    account_ref TEXT NOT NULL REFERENCES accounts(account_ref),
    kind        TEXT NOT NULL,
    quote_key   TEXT NOT NULL,
    months      INTEGER NOT NULL,
    total       TEXT NOT NULL,
    fees        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL,                  -- active | pending_approval | cancelled | completed
    created_at  TEXT NOT NULL
);
CREATE INDEX arrangements_account ON arrangements(account_ref);

CREATE TABLE promises (
    id             INTEGER PRIMARY KEY,
    account_ref    TEXT NOT NULL REFERENCES accounts(account_ref),
    arrangement_id INTEGER REFERENCES arrangements(id),
    amount         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    status         TEXT NOT NULL,               -- pending | kept | partial | broken | cancelled
    paid_amount    TEXT NOT NULL DEFAULT '0',
    source         TEXT NOT NULL,               -- chat | plan
    created_at     TEXT NOT NULL,
    resolved_at    TEXT
);
CREATE INDEX promises_account ON promises(account_ref, status);
CREATE INDEX promises_due ON promises(status, due_date);

CREATE TABLE payments (
    payment_id  TEXT PRIMARY KEY,
    account_ref TEXT NOT NULL REFERENCES accounts(account_ref),
    amount      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    paid_at     TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX payments_account ON payments(account_ref);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    account_ref TEXT NOT NULL REFERENCES accounts(account_ref),
    kind        TEXT NOT NULL,                  -- dispute | hardship | callback
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,                  -- open | closed
    created_at  TEXT NOT NULL
);
CREATE INDEX cases_account ON cases(account_ref, kind, status);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,              -- promise | arrangement | dispute | hardship | callback | lock | kept | broken
    account_ref     TEXT,
    payload         TEXT NOT NULL,              -- JSON
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(sent_at, next_attempt_at);

CREATE TABLE messages_sent (
    id      INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    kind    TEXT NOT NULL,                      -- reminder | broken | ...
    at      TEXT NOT NULL
);
CREATE INDEX messages_sent_chat ON messages_sent(chat_id, at);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,                  -- chat:<id> | cli | scheduler
    action      TEXT NOT NULL,
    account_ref TEXT,
    detail      TEXT NOT NULL DEFAULT '{}'
);
-- engine: sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- engine: postgresql
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- engine: all

CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);

CREATE TABLE links_issued (
    id          INTEGER PRIMARY KEY,
    account_ref TEXT NOT NULL,
    at          TEXT NOT NULL
);
