-- A 差评's follow-up counted partly on a year whose holidays were not loaded
-- (Monday to Friday there): the deadline scan counts it again once they are.
ALTER TABLE cases_ratings ADD COLUMN follow_up_provisional BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX cases_ratings_provisional ON cases_ratings (case_id)
    WHERE follow_up_provisional;
