-- Statistics and "the list as of D" group every version by its validity: a
-- covering index lets them read the index instead of the JSON-laden rows.
CREATE INDEX catalog_items_validity
    ON catalog_items(valid_from, valid_to, level, kind, division, department_id);
