-- Cases (办件). A case is one row: its whole state (steps, timeline,
-- materials) is the JSON body, and the columns beside it are what work
-- queues, the deadline scan and the applicant's list look up.
CREATE TABLE cases_serials (
    division TEXT NOT NULL,
    day TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (division, day)
);

CREATE TABLE cases_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    item_code TEXT NOT NULL,
    department_id INTEGER NOT NULL,
    division TEXT NOT NULL,
    applicant_account_id INTEGER,
    channel TEXT NOT NULL,
    stage TEXT NOT NULL,
    holder_role TEXT,
    assignee INTEGER,
    received_on TEXT NOT NULL,
    promised_due TEXT,
    revision INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX cases_cases_queue ON cases_cases (department_id, stage, holder_role, id);
CREATE INDEX cases_cases_applicant ON cases_cases (applicant_account_id, id);
CREATE INDEX cases_cases_running ON cases_cases (id) WHERE stage IN ('submitted', 'working');

-- 黄牌/红牌: one of each kind per case and step at most.
CREATE TABLE cases_cards (
    case_id INTEGER NOT NULL REFERENCES cases_cases (id),
    step INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('yellow', 'red')),
    department_id INTEGER NOT NULL,
    assignee INTEGER,
    on_day TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (case_id, step, kind)
);
CREATE INDEX cases_cards_department ON cases_cards (department_id, on_day);

CREATE TABLE cases_certificates (
    number TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases_cases (id),
    body TEXT NOT NULL
);

-- Step templates a department set for one of its items (by code; all its
-- versions). Items without one use the standard 受理 → 审查 → 决定 → 办结.
CREATE TABLE cases_workflows (
    item_code TEXT PRIMARY KEY,
    steps TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Followers read the catalog's and calendar's events by position (see
-- Store::serial_events) among the many events cases write.
CREATE INDEX events_context_seq ON events (context, seq);
