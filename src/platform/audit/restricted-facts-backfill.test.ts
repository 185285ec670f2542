import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { MIGRATIONS_DIR } from '../db/migrate.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { generateIcs } from '../../synth/generate.js';

const kinds = await databaseKinds();

/** The data steps of migration 0025, as they run on a database that already holds audit events. */
function backfillStatements(): string[] {
  const text = fs.readFileSync(path.join(MIGRATIONS_DIR, '0025_audit_restricted_facts.sql'), 'utf8');
  return text.split('--> statement-breakpoint')
    .map((s) => s.split('\n').filter((line) => !line.startsWith('--')).join('\n').trim())
    .filter((s) => s.startsWith('UPDATE'));
}

describe.each(kinds)('audit events written before the access log filtered them (%s)', (kind) => {
  let db: Database;
  let icsId: string;
  let entry: { id: string; child_id: string; kind: string; display: string };

  beforeAll(async () => {
    db = await freshDatabase(kind);
    icsId = (await generateIcs(db, { children: 100, seed: 25, today: '2026-11-23' })).icsId;
    [entry] = await rows(db.owner, sql`SELECT id, child_id, kind, display FROM record_entry WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
    await db.owner.execute(sql`UPDATE record_entry SET sensitive_category = 'sexual-health' WHERE id = ${entry.id}::uuid`);
    const legacy = (action: string, what: string, why: string, details: object | null) =>
      db.owner.execute(sql`INSERT INTO audit_event (ics_id, actor_name, child_id, action, what, why, details)
        VALUES (${icsId}::uuid, 'Legacy QL', ${entry.child_id}::uuid, ${action}, ${what}, ${why}, ${details ? JSON.stringify(details) : null}::jsonb)`);
    await legacy('record.create-entry', `${entry.kind}: ${entry.display} (sensitive)`, 'Registered practice: X', { entryId: entry.id, version: 1 });
    await legacy('record.read-entry', `${entry.kind}: ${entry.display}`, 'Registered practice: X', null);
    await legacy('record.reveal-sensitive', 'Sensitive entries shown', 'Cluster lead: Y; reason: Planning treatment QL', null);
    await legacy('record.freeze', 'Record frozen for a safeguarding investigation', 'privacy officer; reason: Enquiry QL', null);
    for (const statement of backfillStatements()) await db.owner.execute(sql.raw(statement));
  });
  afterAll(() => db?.close());

  it('gain the entry they were about, its sensitive category, and the typed reason apart from why', async () => {
    const found = await rows<{ action: string; entry_id: string | null; sensitive_category: string | null; why: string; stated_reason: string | null }>(db.owner,
      sql`SELECT action, entry_id, sensitive_category, why, stated_reason FROM audit_event WHERE actor_name = 'Legacy QL' ORDER BY id`);
    expect(found).toEqual([
      { action: 'record.create-entry', entry_id: entry.id, sensitive_category: 'sexual-health', why: 'Registered practice: X', stated_reason: null },
      { action: 'record.read-entry', entry_id: entry.id, sensitive_category: 'sexual-health', why: 'Registered practice: X', stated_reason: null },
      { action: 'record.reveal-sensitive', entry_id: null, sensitive_category: null, why: 'Cluster lead: Y', stated_reason: 'Planning treatment QL' },
      { action: 'record.freeze', entry_id: null, sensitive_category: null, why: 'privacy officer', stated_reason: 'Enquiry QL' },
    ]);
  });
});
