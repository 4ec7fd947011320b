-- Responses to writes sent with an Idempotency-Key, so a retried request gets
-- the first answer instead of doing the work twice. status 0 = in progress.
CREATE TABLE idempotency (
    account_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
);
