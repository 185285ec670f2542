import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../platform/db/client.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import { chartWindow } from './figures.js';
import { addMonths } from '../../platform/time/months.js';
import { refreshAreaTotals } from '../rollups/rollup.js';

/**
 * A hand-made practice in a hub of its own, with rollup rows whose figures
 * are known exactly, for the 14 complete months before `today`:
 *
 *   children  400 a month (100 in IMD quintile 1, 300 in quintile 5)
 *   ED        3 in even-numbered months of the 14 (a small number), 20 in odd ones;
 *             in quintile 1 only the latest month has any (5), the rest are in quintile 5.
 */
export const SMALL = { practiceName: 'Small-number practice', ods: 'SN001', hubName: 'Small-number hub', children: 400, months: 14 } as const;

export async function addSmallNumberPractice(db: Database, icsId: string, today: string): Promise<{ practiceId: string; clusterId: string; months: string[] }> {
  const owner = db.owner;
  const [place] = await rows<{ id: string }>(owner, sql`SELECT id FROM place WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
  const practiceId = crypto.randomUUID();
  const clusterId = crypto.randomUUID();
  const ics = { ics_id: icsId };
  await bulkInsert(owner, 'organisation', [{ ...ics, id: practiceId, ods_code: SMALL.ods, name: SMALL.practiceName, kind: 'gp-practice', place_id: place.id }]);
  await bulkInsert(owner, 'cluster', [{ ...ics, id: clusterId, name: SMALL.hubName, place_id: place.id, lead_paediatrician_id: null }]);
  await bulkInsert(owner, 'cluster_practice', [{ ...ics, cluster_id: clusterId, practice_id: practiceId }]);

  const latest = chartWindow(today).to;
  const months = Array.from({ length: SMALL.months }, (_, i) => addMonths(latest, i - (SMALL.months - 1)));
  const row = (measure: string, dimension: string, month: string, category: string, value: number) =>
    ({ ...ics, measure, dimension, month, practice_id: practiceId, cluster_id: clusterId, category, value });
  await bulkInsert(owner, 'population_rollup', months.flatMap((month, i) => {
    const ed = i % 2 === 0 ? 3 : 20;
    const core20 = i === SMALL.months - 1 ? 5 : 0;
    return [
      row('children', 'all', month, '', SMALL.children), row('children', 'imd', month, '1', 100), row('children', 'imd', month, '5', 300),
      row('ed', 'all', month, '', ed), ...(core20 ? [row('ed', 'imd', month, '1', core20)] : []), row('ed', 'imd', month, '5', ed - core20),
    ];
  }));
  await refreshAreaTotals(owner, icsId, ['children', 'ed'], { from: months[0], to: months.at(-1)! });
  return { practiceId, clusterId, months };
}
