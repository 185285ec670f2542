import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { Rng } from '../platform/random/seeded.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { parseIsoDate } from './dates.js';
import { demoCareModelRegister } from './care-model-register.js';

/** The demo's register of care models, as the CYP lead finds it (the served demo makes it with 13,000 children or more). */
describe('the demo ICS’s register of care models', () => {
  let j: TestJoinery;
  let made: Record<string, number>;
  const TODAY = '2026-11-23';

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    const ics = j.ics.icsId;
    const clusters = await rows<Record<string, unknown>>(j.db.owner, sql`SELECT id::text, lead_paediatrician_id::text FROM cluster WHERE ics_id = ${ics}::uuid ORDER BY name`);
    const practices = await rows<Record<string, unknown>>(j.db.owner, sql`SELECT cluster_id::text, practice_id::text FROM cluster_practice WHERE ics_id = ${ics}::uuid ORDER BY practice_id`);
    const [lead] = await rows<{ id: string; name: string }>(j.db.owner, sql`SELECT id::text, name FROM professional WHERE ics_id = ${ics}::uuid AND email = 'admin@demo.joinery.test'`);
    await j.db.owner.execute(sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month, ramp_months) VALUES (${ics}::uuid, 'child-health-hub', ${clusters[0].id as string}::uuid, '2023-04-01', 6)`);
    made = await j.db.tenant(ics, (tx) => demoCareModelRegister(tx, {
      icsId: ics, todayDays: parseIsoDate(TODAY), rng: new Rng(7, 'care-model-register'), ids: new Rng(7, 'care-model-register-ids'),
      hubModel: 'child-health-hub', hubModelStart: '2023-04-01', clusters, clusterPractices: practices, lead,
    }));
  });
  afterAll(() => j?.close());

  it('registers three models of different kinds and configurations; the virtual ward is too early to judge', async () => {
    expect(made.care_model).toBe(3);
    const models = await rows<{ name: string; type: string; response: string | null }>(j.db.owner,
      sql`SELECT name, type, configuration->>'adviceResponseHours' AS response FROM care_model WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY name`);
    expect(models).toEqual([
      { name: 'advice-line', type: 'advice-line', response: '24' },
      { name: 'child-health-hub', type: 'child-health-hub', response: '72' },
      { name: 'virtual-ward', type: 'virtual-ward', response: null },
    ]);
    const lead = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
    const text = pageText((await lead.get('/models/compare')).body);
    expect(text).toContain('Children’s virtual ward');
    expect(text).toMatch(/Model Children’s virtual ward Outcome .+ Effect Too early to judge/);
  });

  it('five years of teaching in every hub, and the checklist scored twice a year apart', async () => {
    const [span] = await rows<{ first: string; last: string }>(j.db.owner, sql`SELECT min(held_on)::text AS first, max(held_on)::text AS last FROM hub_teaching_session WHERE ics_id = ${j.ics.icsId}::uuid`);
    expect(span.first < '2022-03-01').toBe(true);
    expect(span.last > '2026-03-01').toBe(true);
    const dates = await rows<{ scored_on: string; n: number }>(j.db.owner,
      sql`SELECT scored_on::text, count(*)::int AS n FROM integration_checklist_score WHERE ics_id = ${j.ics.icsId}::uuid GROUP BY scored_on ORDER BY scored_on`);
    expect(dates).toEqual([{ scored_on: '2025-11-23', n: 12 }, { scored_on: '2026-11-13', n: 12 }]);
    const lead = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
    expect(pageText((await lead.get('/models/checklist')).body)).toContain('2 scores');
  });
});
