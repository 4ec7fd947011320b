-- The actor as the public ledger shows it, fixed when the event is written:
-- a leaf must not change when an account's role or staff number later does.
-- `public_actor` is `staff:<employee_no>` (or `staff:#<id>` without one),
-- `applicant`, or a system actor as it is; `public_role` the staff role.
ALTER TABLE events ADD COLUMN public_actor TEXT;
ALTER TABLE events ADD COLUMN public_role TEXT;

-- Rows written before: what the log derived from the accounts until now
-- (an `account:` actor whose id is not a number shows as it is).
UPDATE events SET public_actor = actor WHERE actor !~ '^account:[0-9]{1,18}$';
UPDATE events e SET
    public_actor = CASE WHEN a.role IN ('citizen', 'enterprise') THEN 'applicant'
                   ELSE 'staff:' || COALESCE(a.employee_no, '#' || a.id::text) END,
    public_role = CASE WHEN a.role IN ('citizen', 'enterprise') THEN NULL ELSE a.role END
FROM identity_accounts a
WHERE e.public_actor IS NULL
  -- CASE, so the cast never meets an actor the pattern refused.
  AND a.id = CASE WHEN e.actor ~ '^account:[0-9]{1,18}$' THEN substr(e.actor, 9)::bigint END;
UPDATE events SET public_actor = 'applicant' WHERE public_actor IS NULL;
