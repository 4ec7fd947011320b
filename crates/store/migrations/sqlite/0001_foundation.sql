-- The append-only log of every state change (the ledger reads it in seq order).
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    context TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL
);

CREATE TABLE catalog_divisions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT REFERENCES catalog_divisions(code)
);

CREATE TABLE catalog_departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    division TEXT NOT NULL REFERENCES catalog_divisions(code)
);
CREATE INDEX catalog_departments_division ON catalog_departments(division);

CREATE TABLE catalog_decrees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    applied_at TEXT
);

-- Adjustments of draft decrees. Once a decree is applied its effect lives in
-- catalog_items (started_by / ended_by), so the rows are removed.
CREATE TABLE catalog_adjustments (
    decree_id INTEGER NOT NULL REFERENCES catalog_decrees(id),
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (decree_id, seq)
);

-- One row per version of an item: in force on [valid_from, valid_to).
CREATE TABLE catalog_items (
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    started_by INTEGER REFERENCES catalog_decrees(id),
    start_change TEXT NOT NULL,
    ended_by INTEGER REFERENCES catalog_decrees(id),
    end_change TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    division TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES catalog_departments(id),
    visits INTEGER NOT NULL,
    promised_days INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX catalog_items_current ON catalog_items(division, code) WHERE valid_to IS NULL;
CREATE INDEX catalog_items_department ON catalog_items(department_id) WHERE valid_to IS NULL;
CREATE INDEX catalog_items_started_by ON catalog_items(started_by);
CREATE INDEX catalog_items_ended_by ON catalog_items(ended_by);

CREATE TABLE identity_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    id_number TEXT UNIQUE,
    uscc TEXT UNIQUE,
    employee_no TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id INTEGER REFERENCES catalog_departments(id),
    division TEXT REFERENCES catalog_divisions(code),
    created_at TEXT NOT NULL
);

-- Only a hash of each token is kept: a stolen table opens no session.
CREATE TABLE identity_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES identity_accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX identity_sessions_account ON identity_sessions(account_id);
