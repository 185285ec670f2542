/**
 * The hub and cluster activity page: the whole ICS and its busiest hub, for
 * the default 12 months and for the full five years, through HTTP (inject:
 * session, service, SQL, audit and rendering; no network), as the ICS analyst.
 * Prints the data size with the figures. Read-only apart from the audit rows.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rows, type Database } from '../src/platform/db/client.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { selectableMonths } from '../src/activity/period.js';
import { TestClient } from '../test/http.js';
import { summarise, timeEach } from './stats.js';
import { page } from './load.js';

export type ActivityBenchOptions = { icsId: string; password: string; domain?: string; samples?: number };

export async function activityBench(db: Database, app: FastifyInstance, opts: ActivityBenchOptions) {
  const domain = opts.domain ?? 'bench.joinery.test';
  const samples = opts.samples ?? 100;
  const [size] = await rows<{ children: number; referrals: number; advice: number; converted: number; oldest: string | null; bookings: number; hubs: number }>(
    db.owner,
    sql`SELECT (SELECT count(*)::int FROM child WHERE ics_id = ${opts.icsId}::uuid) AS children,
               (SELECT count(*)::int FROM referral WHERE ics_id = ${opts.icsId}::uuid) AS referrals,
               (SELECT count(*)::int FROM referral WHERE ics_id = ${opts.icsId}::uuid AND kind = 'advice') AS advice,
               (SELECT count(*)::int FROM referral WHERE ics_id = ${opts.icsId}::uuid AND converted_at IS NOT NULL) AS converted,
               (SELECT min(created_at)::date::text FROM referral WHERE ics_id = ${opts.icsId}::uuid) AS oldest,
               (SELECT count(*)::int FROM clinic_booking WHERE ics_id = ${opts.icsId}::uuid) AS bookings,
               (SELECT count(*)::int FROM cluster WHERE ics_id = ${opts.icsId}::uuid) AS hubs`,
  );
  const [busiest] = await rows<{ id: string; name: string; referrals: number }>(
    db.owner,
    sql`SELECT c.id, c.name, count(r.id)::int AS referrals FROM cluster c LEFT JOIN referral r ON r.ics_id = c.ics_id AND r.cluster_id = c.id
         WHERE c.ics_id = ${opts.icsId}::uuid GROUP BY c.id, c.name ORDER BY count(r.id) DESC, c.id LIMIT 1`,
  );
  console.log(`\nHub activity: ${size.children.toLocaleString('en-GB')} children, ${size.referrals.toLocaleString('en-GB')} referrals and advice requests ` +
    `(${size.advice.toLocaleString('en-GB')} advice still, ${size.converted.toLocaleString('en-GB')} converted; oldest ${size.oldest ?? 'none'}), ` +
    `${size.bookings.toLocaleString('en-GB')} clinic bookings, ${size.hubs} hubs; busiest hub ${busiest.name} with ${busiest.referrals.toLocaleString('en-GB')} referrals`);
  if (size.referrals === 0) console.log('  (no referral history in this database: the figures below time empty tables)');

  const client = await new TestClient(app).signIn(`ics-analyst@${domain}`, opts.password);
  const months = selectableMonths(londonToday());
  const fiveYears = `from=${months.at(-1)}&to=${months[0]}`;
  const cases: [string, string][] = [
    ['activity page, whole ICS, 12 months', '/activity'],
    ['activity page, whole ICS, 5 years', `/activity?scope=ics&${fiveYears}`],
    ['activity page, busiest hub, 12 months', `/activity?scope=${busiest.id}`],
    ['activity page, busiest hub, 5 years', `/activity?scope=${busiest.id}&${fiveYears}`],
    ['practices CSV, whole ICS, 12 months', '/activity/practices.csv'],
  ];
  for (const [label, url] of cases) {
    const get = () => page(client, url);
    await timeEach(3, get); // warm the caches and the plans first
    console.log(summarise(label, await timeEach(samples, get)));
  }
}
