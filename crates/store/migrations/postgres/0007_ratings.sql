-- Ratings (好差评): one per case and channel, by the applicant, after the
-- result. A 差评 (score 1–2) carries a follow-up (整改) due on
-- `follow_up_due` that the department answers once. Item and department are
-- copied from the case so the statistics need no join.
CREATE TABLE cases_ratings (
    case_id BIGINT NOT NULL REFERENCES cases_cases (id),
    channel TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
    department_id BIGINT NOT NULL,
    item_code TEXT NOT NULL,
    on_day DATE NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    follow_up_due DATE,
    answer TEXT,
    answered_on DATE,
    CHECK ((follow_up_due IS NOT NULL) = (score <= 2)),
    CHECK (answer IS NULL OR follow_up_due IS NOT NULL),
    PRIMARY KEY (case_id, channel)
);
CREATE INDEX cases_ratings_department ON cases_ratings (department_id, follow_up_due);
