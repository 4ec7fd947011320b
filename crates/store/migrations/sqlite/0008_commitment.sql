-- 告知承诺: a case approved on the applicant's written commitment is verified
-- afterwards (事后核查) by a due day. The case's body holds the commitment;
-- this row mirrors what the deadline scan and the department's list need,
-- written in the same transaction as the case. `confirmed` is NULL while
-- the verification is open; FALSE revoked the certificate.
CREATE TABLE cases_verifications (
    case_id INTEGER PRIMARY KEY REFERENCES cases_cases (id),
    department_id INTEGER NOT NULL,
    due TEXT NOT NULL,
    provisional BOOLEAN NOT NULL,
    confirmed BOOLEAN,
    done_on TEXT,
    CHECK ((confirmed IS NULL) = (done_on IS NULL))
);
CREATE INDEX cases_verifications_open ON cases_verifications (department_id, due)
    WHERE done_on IS NULL;
