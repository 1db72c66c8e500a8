-- The bank's API keys (bot/bank_api.py): only the key's keyed hash (HMAC under DEBTDESK_SECRET) is
-- kept; the key itself is printed once by `debtdesk apikey create` and never stored.
-- A revoked key stays (revoked_at set) so that the audit rows naming it still name a known key.
CREATE TABLE api_keys (
    name       TEXT PRIMARY KEY,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    digest     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
