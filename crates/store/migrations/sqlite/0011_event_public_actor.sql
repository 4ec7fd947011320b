-- The actor as the public ledger shows it, fixed when the event is written:
-- a leaf must not change when an account's role or staff number later does.
-- `public_actor` is `staff:<employee_no>` (or `staff:#<id>` without one),
-- `applicant`, or a system actor as it is; `public_role` the staff role.
ALTER TABLE events ADD COLUMN public_actor TEXT;
ALTER TABLE events ADD COLUMN public_role TEXT;

-- Rows written before: what the log derived from the accounts until now
-- (an `account:` actor whose id is not a number shows as it is).
UPDATE events SET public_actor = actor
WHERE NOT (actor GLOB 'account:[0-9]*' AND substr(actor, 9) NOT GLOB '*[^0-9]*');
UPDATE events SET
    public_actor = COALESCE(
        (SELECT CASE WHEN a.role IN ('citizen', 'enterprise') THEN 'applicant'
                ELSE 'staff:' || COALESCE(a.employee_no, '#' || a.id) END
         FROM identity_accounts a WHERE a.id = CAST(substr(events.actor, 9) AS INTEGER)),
        'applicant'),
    public_role =
        (SELECT a.role FROM identity_accounts a
         WHERE a.id = CAST(substr(events.actor, 9) AS INTEGER)
           AND a.role NOT IN ('citizen', 'enterprise'))
WHERE public_actor IS NULL;
