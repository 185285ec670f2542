import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { ADULT_AT, YOUNG_PERSON_DECIDES_AT } from '../platform/access/family-policy.js';

/**
 * The daily age-milestones job for one ICS (run in its tenant transaction,
 * with the day it runs for, so it can be tested with a clock): a parent's
 * proxy is suspended at 16 unless the young person agreed, ended at 18, and
 * proxies whose 16th or 18th birthday falls in the next 30 days are listed
 * for their 30-day notice. Each change is a history row by "Age milestones".
 * The door refuses past 16 and 18 whether or not this has run (H026); this
 * makes the grants' status and history say so. A frozen record's grants
 * wait for the freeze to lift (nothing changes a frozen record).
 */

export type Notice = { grant_id: string; child_id: string; on: string; milestone: number };

const MILESTONES_BY = 'Age milestones';

async function change(tx: Tx, today: string, from: string[], to: 'suspended' | 'ended', age: number, extra: ReturnType<typeof sql>, reason: string): Promise<number> {
  const changed = await rows<{ id: string; ics_id: string; may_see: string[] }>(tx, sql`UPDATE family_access_grant g SET status = ${to}, status_reason = ${reason}, version = g.version + 1
      FROM child c
     WHERE c.ics_id = g.ics_id AND c.id = g.child_id AND g.kind = 'proxy' AND g.status = ANY(${sql.param(from)}::text[]) ${extra}
       AND extract(year FROM age(${today}::date, c.date_of_birth)) >= ${age}
       AND NOT EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = g.ics_id AND f.child_id = g.child_id AND f.lifted_at IS NULL)
    RETURNING g.id, g.ics_id, g.may_see`);
  for (const g of changed) {
    await tx.execute(sql`INSERT INTO family_access_event (ics_id, id, grant_id, by_name, change, status, may_see, reason)
      VALUES (${g.ics_id}::uuid, ${crypto.randomUUID()}::uuid, ${g.id}::uuid, ${MILESTONES_BY}, ${to}, ${to}, ${sql.param(g.may_see)}::text[], ${reason})`);
  }
  return changed.length;
}

export async function applyAgeMilestones(tx: Tx, today: string): Promise<{ suspended: number; ended: number; notices: Notice[] }> {
  const ended = await change(tx, today, ['active', 'suspended'], 'ended', ADULT_AT, sql``, 'Turned 18: proxy access ends');
  const suspended = await change(tx, today, ['active'], 'suspended', YOUNG_PERSON_DECIDES_AT, sql`AND g.young_person_agreed_on IS NULL`,
    'Turned 16: paused until the young person agrees to it');
  const notices = await rows<Notice>(tx, sql`SELECT g.id AS grant_id, g.child_id, to_char(m.on_day, 'YYYY-MM-DD') AS on, m.years AS milestone
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      -- A 29 February birthday falls on 1 March in other years, as age() counts it (PostgreSQL's date arithmetic would say 28 February).
      CROSS JOIN LATERAL (SELECT y AS years, CASE WHEN extract(day FROM d) <> extract(day FROM c.date_of_birth) THEN d + 1 ELSE d END AS on_day
                            FROM unnest(ARRAY[${YOUNG_PERSON_DECIDES_AT}::int, ${ADULT_AT}::int]) y, LATERAL (SELECT (c.date_of_birth + make_interval(years => y))::date AS d) dd) m
     WHERE g.kind = 'proxy' AND g.status <> 'ended' AND m.on_day > ${today}::date AND m.on_day <= ${today}::date + 30
     ORDER BY m.on_day, g.id`);
  return { suspended, ended, notices };
}
