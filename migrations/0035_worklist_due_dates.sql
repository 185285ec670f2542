-- A referral's worklist item said when triage was due inside its title
-- ("Referral (urgent) due 2026-12-01"), so the worklist could only show the
-- ISO date. The date moves to details.dueOn, which the worklist says in words
-- ("due tomorrow", "2 days overdue"); the title keeps what happened.
UPDATE "worklist_item"
   SET "details" = coalesce("details", '{}'::jsonb) || jsonb_build_object('dueOn', substring("title" from ' due ([0-9]{4}-[0-9]{2}-[0-9]{2})$')),
       "title" = regexp_replace("title", ' due [0-9]{4}-[0-9]{2}-[0-9]{2}$', '')
 WHERE "title" ~ ' due [0-9]{4}-[0-9]{2}-[0-9]{2}$';
