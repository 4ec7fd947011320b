-- The transparency log (电子监察日志): leaves follow the events table in
-- sequence order; complete subtree hashes make appends and proofs O(log n).
CREATE TABLE ledger_leaves (
    idx BIGINT PRIMARY KEY,
    event_seq BIGINT NOT NULL UNIQUE,
    leaf_hash BYTEA NOT NULL,
    bytes BYTEA NOT NULL
);

CREATE TABLE ledger_nodes (
    level SMALLINT NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- One row: the tree's size and root, and the last event it holds.
CREATE TABLE ledger_head (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL,
    root BYTEA NOT NULL,
    last_seq BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Never two checkpoints of one size: the primary key refuses the second.
CREATE TABLE ledger_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

-- One row: the signer key (Go note format) and the server-wide commitment
-- secret, which every server sharing the database loads.
CREATE TABLE ledger_keys (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    signer TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
