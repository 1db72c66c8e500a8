-- The staff console (bot/console_web.py): the bank's staff, their sessions and their sign-in
-- attempts. A password is kept only as its argon2 hash; a session only as the SHA-256 of its
-- cookie. Every action of a staff member is an audit row whose actor is `staff:<name>`.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('collector', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT '',     -- '' follows DEBTDESK_COLLECTORS_LOCALE
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE staff_sessions (
    digest     TEXT PRIMARY KEY,                -- SHA-256 of the cookie's value, hex
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    csrf       TEXT NOT NULL,                   -- the token every form of the session carries
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);

-- One row a sign-in attempt, by the name typed (known or not): the lockout counts them.
CREATE TABLE staff_login_attempts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    at   TEXT NOT NULL,
    ok   INTEGER NOT NULL
);
CREATE INDEX staff_login_attempts_name ON staff_login_attempts(name, at);

-- The console's search finds an account by its phone number (exact, E.164).
CREATE INDEX accounts_phone ON accounts(phone);
-- The console's account page lists the account's latest audit rows (the chat's events).
CREATE INDEX audit_account ON audit(account_ref, id);
