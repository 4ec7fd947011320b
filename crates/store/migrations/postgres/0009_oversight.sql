-- Electronic supervision (电子监察). The figures are SQL aggregates over
-- cases_cases; the facts they need that live only in a case's JSON body
-- (when it was accepted and completed, its promised limit) become stored
-- generated columns, so the database derives them on every save and the
-- cases' write path does not change.

-- text::date is only STABLE (it reads DateStyle), but serde writes ISO
-- dates, which parse the same under every DateStyle: immutable here.
CREATE FUNCTION oversight_date(t TEXT) RETURNS DATE
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT t::date $$;

ALTER TABLE cases_cases
    ADD COLUMN accepted_on DATE
        GENERATED ALWAYS AS (oversight_date(body ->> 'accepted_on')) STORED,
    -- Completed = a result was given (准予, 不予许可, 不予受理); a withdrawal is not.
    ADD COLUMN completed_on DATE
        GENERATED ALWAYS AS (CASE WHEN body #>> '{decision,outcome}'
            IN ('approved', 'denied', 'refused')
            THEN oversight_date(body #>> '{decision,on}') END) STORED,
    ADD COLUMN promised_days INTEGER
        GENERATED ALWAYS AS ((body #>> '{limits,promised_days}')::integer) STORED;

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
    case_id BIGINT NOT NULL,
    step BIGINT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('acknowledged', 'explained', 'closed')),
    revision BIGINT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ,
    explanation TEXT,
    explained_by TEXT,
    explained_at TIMESTAMPTZ,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    PRIMARY KEY (case_id, step, kind),
    FOREIGN KEY (case_id, step, kind) REFERENCES cases_cards (case_id, step, kind)
);
CREATE INDEX oversight_cards_state ON oversight_cards (state);
