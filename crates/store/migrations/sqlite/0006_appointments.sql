-- Appointments (预约): halls per division, their windows, slots per hall, item
-- and day, and bookings. `booked <= capacity` is the overbooking guard the
-- booking statement relies on (`UPDATE … WHERE booked < capacity`).
CREATE TABLE cases_halls (
    id INTEGER PRIMARY KEY,
    division TEXT NOT NULL UNIQUE REFERENCES catalog_divisions(code),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE cases_windows (
    id INTEGER PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES cases_halls(id),
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (hall_id, number)
);

CREATE TABLE cases_slots (
    id INTEGER PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES cases_halls(id),
    item TEXT NOT NULL,
    item_name TEXT NOT NULL,
    day TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    opened_at TEXT NOT NULL,
    UNIQUE (hall_id, item, day, start_time)
);
CREATE INDEX cases_slots_day ON cases_slots(hall_id, day, item);

-- Per hall and day, the last ticket sequence handed out.
CREATE TABLE cases_ticket_seq (
    hall_id BIGINT NOT NULL REFERENCES cases_halls(id),
    day TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (hall_id, day)
);

CREATE TABLE cases_bookings (
    id INTEGER PRIMARY KEY,
    ticket TEXT NOT NULL UNIQUE,
    slot_id BIGINT NOT NULL REFERENCES cases_slots(id),
    hall_id BIGINT NOT NULL REFERENCES cases_halls(id),
    item TEXT NOT NULL,
    day TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES identity_accounts(id),
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'rescheduled', 'checked_in', 'no_show')),
    rescheduled_to TEXT,
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
-- One active booking per person, item and day, enforced where races end.
CREATE UNIQUE INDEX cases_bookings_one_active ON cases_bookings(account_id, item, day)
    WHERE status IN ('booked', 'checked_in');
CREATE INDEX cases_bookings_account ON cases_bookings(account_id, day);
CREATE INDEX cases_bookings_hall_day ON cases_bookings(hall_id, day);
