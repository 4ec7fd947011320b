-- Responses to writes sent with an Idempotency-Key, so a retried request gets
-- the first answer instead of doing the work twice. status 0 = in progress.
CREATE TABLE idempotency (
    account_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, key)
);
