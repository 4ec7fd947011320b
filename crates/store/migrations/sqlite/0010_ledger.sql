-- The transparency log (电子监察日志): leaves follow the events table in
-- sequence order; complete subtree hashes make appends and proofs O(log n).
CREATE TABLE ledger_leaves (
    idx INTEGER PRIMARY KEY,
    event_seq INTEGER NOT NULL UNIQUE,
    leaf_hash BLOB NOT NULL,
    bytes BLOB NOT NULL
);

CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

-- One row: the tree's size and root, and the last event it holds.
CREATE TABLE ledger_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    last_seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- Never two checkpoints of one size: the primary key refuses the second.
CREATE TABLE ledger_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL,
    at TEXT NOT NULL
);

-- One row: the signer key (Go note format) and the server-wide commitment
-- secret, which every server sharing the database loads.
CREATE TABLE ledger_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    signer TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);
