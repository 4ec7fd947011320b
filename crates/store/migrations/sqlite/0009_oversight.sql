-- Electronic supervision (电子监察). The figures are SQL aggregates over
-- cases_cases; the facts they need that live only in a case's JSON body
-- (when it was accepted and completed, its promised limit) become generated
-- columns, so the database derives them on every save and the cases' write
-- path does not change. Virtual columns cost a json_extract per read, so the
-- covering index below stores them: a province-wide tally reads the index,
-- never a body.
ALTER TABLE cases_cases ADD COLUMN accepted_on TEXT
    GENERATED ALWAYS AS (json_extract(body, '$.accepted_on')) VIRTUAL;
-- Completed = a result was given (准予, 不予许可, 不予受理); a withdrawal is not.
ALTER TABLE cases_cases ADD COLUMN completed_on TEXT
    GENERATED ALWAYS AS (CASE WHEN json_extract(body, '$.decision.outcome')
        IN ('approved', 'denied', 'refused') THEN json_extract(body, '$.decision.on') END) VIRTUAL;
ALTER TABLE cases_cases ADD COLUMN promised_days INTEGER
    GENERATED ALWAYS AS (json_extract(body, '$.limits.promised_days')) VIRTUAL;

CREATE INDEX oversight_cases_department ON cases_cases
    (department_id, division, channel, assignee, received_on, completed_on, promised_due,
     promised_days, accepted_on, item_code);
CREATE INDEX oversight_cases_division ON cases_cases
    (division, department_id, channel, assignee, received_on, completed_on, promised_due,
     promised_days, accepted_on, item_code);
CREATE INDEX oversight_cases_assignee ON cases_cases (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX oversight_cases_completed ON cases_cases (completed_on, promised_due)
    WHERE completed_on IS NOT NULL;
CREATE INDEX oversight_cases_received ON cases_cases (received_on);
CREATE INDEX oversight_divisions_parent ON catalog_divisions (parent);
CREATE INDEX oversight_ratings_case ON cases_ratings (case_id, score, follow_up_due, answer);

-- The supervisor's handling of a card (cases_cards): a card without a row
-- here is still open. `revision` lets two people acting at once not
-- overwrite each other.
CREATE TABLE oversight_cards (
    case_id INTEGER NOT NULL,
    step INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('acknowledged', 'explained', 'closed')),
    revision INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    explanation TEXT,
    explained_by TEXT,
    explained_at TEXT,
    closed_by TEXT,
    closed_at TEXT,
    PRIMARY KEY (case_id, step, kind),
    FOREIGN KEY (case_id, step, kind) REFERENCES cases_cards (case_id, step, kind)
);
CREATE INDEX oversight_cards_state ON oversight_cards (state);
