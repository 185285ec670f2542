-- What an audit event was about, as facts the access log can decide on per viewer:
-- the record entry (and its sensitive category then), and a reason a person typed
-- (freezing a record, showing sensitive entries), kept apart from the relationship in "why".
ALTER TABLE "audit_event" ADD COLUMN "entry_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "sensitive_category" text;--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "stated_reason" text;--> statement-breakpoint
-- Earlier events carry the same facts in their words: saved entries name their entry in details,
-- a read names the entry's kind and display text, and reasons follow "; reason: " in why.
UPDATE "audit_event" a SET "entry_id" = e.id, "sensitive_category" = e.sensitive_category
  FROM "record_entry" e
 WHERE a.action IN ('record.create-entry', 'record.update-entry') AND a.details ? 'entryId'
   AND e.ics_id = a.ics_id AND e.id::text = a.details->>'entryId';--> statement-breakpoint
UPDATE "audit_event" a SET "entry_id" = e.id, "sensitive_category" = e.sensitive_category
  FROM "record_entry" e
 WHERE a.action = 'record.read-entry' AND a.entry_id IS NULL
   AND e.ics_id = a.ics_id AND e.child_id = a.child_id AND a.what = e.kind || ': ' || e.display;--> statement-breakpoint
UPDATE "audit_event" SET "stated_reason" = substr("why", strpos("why", '; reason: ') + 10), "why" = left("why", strpos("why", '; reason: ') - 1)
 WHERE action IN ('record.freeze', 'record.reveal-sensitive') AND strpos("why", '; reason: ') > 0;
