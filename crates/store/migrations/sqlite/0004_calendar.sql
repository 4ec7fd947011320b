-- The working-day calendar: the special days of each loaded year, and which
-- years are loaded (a year without rows here is unknown, never "no holidays").
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    loaded_at TEXT NOT NULL
);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL
);
