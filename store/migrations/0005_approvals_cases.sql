-- Arrangements awaiting the bank's approval hold their schedule, not promises: nothing is due,
-- reminded, swept or paid against until a person approves (then the promises are written).
-- Decisions and case outcomes remember when the debtor was told (inside contact hours).
ALTER TABLE arrangements ADD COLUMN schedule TEXT NOT NULL DEFAULT '[]'; -- JSON [{"due", "amount"}]
ALTER TABLE arrangements ADD COLUMN decided_at TEXT;                     -- approved or declined at
ALTER TABLE arrangements ADD COLUMN decision_note TEXT NOT NULL DEFAULT ''; -- the bank's reason, staff only
ALTER TABLE arrangements ADD COLUMN told_at TEXT;                        -- the debtor heard the decision
ALTER TABLE cases ADD COLUMN outcome TEXT;                               -- see store/cases.py OUTCOMES
ALTER TABLE cases ADD COLUMN closed_at TEXT;
ALTER TABLE cases ADD COLUMN told_at TEXT;                               -- the debtor heard the outcome

-- Arrangements written awaiting approval by an earlier version carry pending promises: keep
-- their schedule and drop those promises, which were never the debtor's to keep or break.
-- engine: sqlite
UPDATE arrangements SET schedule = (
    SELECT json_group_array(json_object('due', due_date, 'amount', amount))
    FROM (SELECT due_date, amount FROM promises p WHERE p.arrangement_id = arrangements.id
          ORDER BY due_date, id))
WHERE status = 'pending_approval';
-- engine: postgresql
UPDATE arrangements SET schedule = coalesce((
    SELECT json_agg(json_build_object('due', due_date, 'amount', amount) ORDER BY due_date, id)::text
    FROM promises p WHERE p.arrangement_id = arrangements.id), '[]')
WHERE status = 'pending_approval';
-- engine: all
DELETE FROM promises
WHERE arrangement_id IN (SELECT id FROM arrangements WHERE status = 'pending_approval');
CREATE INDEX arrangements_status ON arrangements(status, id);
CREATE INDEX cases_status ON cases(status, kind, created_at);
