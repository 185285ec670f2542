import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { freshDatabase } from '../test/database.js';
import { generateIcs } from '../src/synth/generate.js';
import { virtualWardBench } from './virtual-ward.js';
import { caseloadSql } from '../src/ambulatory/store.js';
import { hasRelationshipSql } from '../src/platform/access/relationship.js';
import { actorFor } from '../test/actors.js';
import { wardCaseload } from '../src/ambulatory/service.js';

const db = await freshDatabase('pglite');
let t = performance.now();
const ics = await generateIcs(db, { children: Number(process.env.JOINERY_BENCH_CHILDREN ?? 2000), seed: 31 });
console.log('generated', ((performance.now() - t) / 1000).toFixed(0), 's');
await virtualWardBench(db, ics.icsId, { loads: 5 });
const icsId = ics.icsId;
const [ward] = await rows<{ id: string; nurse: string }>(db.owner, sql`SELECT w.id, r.professional_id AS nurse FROM virtual_ward w
    JOIN ward_rota r ON r.ics_id = w.ics_id AND r.ward_id = w.id AND r.position = 0 WHERE w.ics_id = ${icsId}::uuid LIMIT 1`);
const [{ email }] = await rows<{ email: string }>(db.owner, sql`SELECT email FROM professional WHERE id = ${ward.nurse}::uuid`);
const nurse = await actorFor(db, email);
for (let k = 0; k < 3; k++) {
  t = performance.now();
  await db.tenant(icsId, (tx) => rows(tx, caseloadSql(ward.id, (c) => hasRelationshipSql('virtual-ward', nurse, c))));
  const q = performance.now() - t;
  t = performance.now();
  await db.tenant(icsId, (tx) => rows(tx, caseloadSql(ward.id, () => sql`TRUE`)));
  const q0 = performance.now() - t;
  t = performance.now();
  await db.tenant(icsId, (tx) => wardCaseload(tx, nurse));
  console.log(`query ${q.toFixed(0)} ms, without relationship ${q0.toFixed(0)} ms, whole ${(performance.now() - t).toFixed(0)} ms`);
}
const plan = await db.tenant(icsId, (tx) => rows<Record<string, string>>(tx, sql`EXPLAIN ANALYZE ${caseloadSql(ward.id, (c) => hasRelationshipSql('virtual-ward', nurse, c))}`));
console.log(plan.map((r) => Object.values(r)[0]).join('\n'));
await db.close();
