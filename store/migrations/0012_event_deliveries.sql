-- Events out (issue 13): every outbox row is also an event for the bank's systems. The outbox
-- stays the one record of what happened; these tables only say what became of each delivery.

-- One row per subscriber of the outbox beyond the collectors' chat: the id up to which its
-- deliveries have been created (the fan-out step copies newer outbox rows into deliveries).
CREATE TABLE event_subscribers (
    name       TEXT PRIMARY KEY,                -- webhook: DEBTDESK_EVENTS_URL
    through_id INTEGER NOT NULL,                -- outbox ids up to this one are fanned out
    created_at TEXT NOT NULL
);

CREATE TABLE event_deliveries (
    subscriber      TEXT NOT NULL REFERENCES event_subscribers(name),
    event_id        INTEGER NOT NULL REFERENCES outbox(id),
    account_ref     TEXT,                       -- events of one account go out in id order
    state           TEXT NOT NULL DEFAULT 'pending',  -- pending | delivered | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,                       -- a status code or an error class, never a payload
    delivered_at    TEXT,
    dead_at         TEXT,
    PRIMARY KEY (subscriber, event_id)
);
CREATE INDEX event_deliveries_due ON event_deliveries(subscriber, state, next_attempt_at);
CREATE INDEX event_deliveries_account ON event_deliveries(subscriber, account_ref, state, event_id);
