import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { activityView } from './service.js';
import type { ActivityTable } from './tables.js';
import { addHandMadeHub, HAND_MADE } from './test-fixtures.js';

const kinds = await databaseKinds();
const TODAY = '2026-11-23';

describe.each(kinds)('hub activity figures on hand-made data (%s)', (kind) => {
  let j: TestJoinery;
  let hub: { clusterId: string; practiceId: string };
  let tables: Record<string, ActivityTable>;

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    // Led by the demo paediatrician: a clinician sees the small numbers as they are.
    hub = await addHandMadeHub(j.db, j.ics.icsId, 'paediatrician@demo.joinery.test');
    const lead = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    const view = await j.db.tenant(lead.icsId, (tx) => activityView(tx, lead, { scope: hub.clusterId, from: HAND_MADE.from, to: HAND_MADE.to }, TODAY, 'page'));
    expect(view.fields).toEqual({});
    tables = Object.fromEntries(view.report!.tables.map((t) => [t.id, t]));
  });
  afterAll(() => j?.close());

  it('counts advice requests and referrals per 1,000 children a year by practice, a practice without children having no rate', () => {
    expect(tables.practices.rows).toEqual([
      ['Hand-made practice P', 'HM001', HAND_MADE.hubName, 8, 2, 500, 6, 1500],
      ['Hand-made practice Q', 'HM002', HAND_MADE.hubName, 0, 0, null, 1, null],
      ['All practices', '', '', 8, 2, 500, 7, 1750],
    ]);
  });

  it('counts by London month: a converted advice request again as a referral when converted', () => {
    expect(tables.months.rows).toEqual([
      ['Jan 2026', 1, 1500, 1, 1500],
      ['Feb 2026', 0, 0, 3, 4500],
      ['Mar 2026', 0, 0, 1, 1500],
      ['Apr 2026', 0, 0, 1, 1500],
      ['May 2026', 1, 1500, 1, 1500],
      ['Jun 2026', 0, 0, 0, 0],
    ]);
  });

  it('gives the triage routes, the share seen in the community and in hospital, and advice without a referral', () => {
    const shares = tables.outcomes.rows.map((r) => r.slice(1, 4));
    expect(shares).toEqual([
      [1, 4, 25], [2, 4, 50], [1, 4, 25], [0, 4, 0], [0, 4, 0], [0, 4, 0],
      [4, 7, 57.1], [3, 4, 75], [1, 4, 25],
      [1, 2, 50],
    ]);
    expect(tables.outcomes.rows[0][4]).toContain('26%');
  });

  it('gives the median and 90th percentile waits in days', () => {
    expect(tables.waiting.rows.map((r) => r.slice(0, 4))).toEqual([
      ['Referral to triage decision', 4, 3, 6.8],
      ['Referral to first seen in a hub or cluster clinic', 3, 30, 38],
      ['Advice request to answer', 2, 2, 2.8],
    ]);
  });

  it('gives the did-not-attend rate from appointments seen or missed in the period', () => {
    expect(tables.attendance.rows).toEqual([[HAND_MADE.hubName, 3, 1, 25], ['All hubs', 3, 1, 25]]);
  });

  it('audits the view without naming a child', async () => {
    const audits = await rows<{ child_id: string | null; what: string; role: string }>(
      j.db.owner, sql`SELECT child_id, what, role FROM audit_event WHERE action = 'activity.view' AND ics_id = ${j.ics.icsId}::uuid`,
    );
    expect(audits).toEqual([{ child_id: null, what: `Hub activity (page): ${HAND_MADE.hubName}, January 2026 to June 2026`, role: 'paediatrician' }]);
  });

  it('the whole ICS includes the hand-made hub among the others', async () => {
    const analyst = await actorFor(j.db, 'ics-analyst@demo.joinery.test');
    const view = await j.db.tenant(analyst.icsId, (tx) => activityView(tx, analyst, { from: HAND_MADE.from, to: HAND_MADE.to }, TODAY, 'page'));
    const practices = view.report!.tables.find((t) => t.id === 'practices')!;
    // An analyst does not see small numbers: 2 advice requests and 6 referrals, and the rates made from them, are withheld.
    expect(practices.rows.find((r) => r[0] === 'Hand-made practice P')).toEqual(['Hand-made practice P', 'HM001', HAND_MADE.hubName, 8, 'Suppressed', 'Suppressed', 'Suppressed', 'Suppressed']);
    expect(view.values.scope).toBe('ics');
    expect(view.report!.suppressed).toBe(true);
  });
});
