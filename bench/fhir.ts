/**
 * The FHIR API under load, through HTTP with autocannon against the running
 * app, as a system client with a bearer token: read Patient by id, search
 * Patient by NHS number, search Observation by patient, and $everything at
 * two concurrencies. Each line: throughput, p50, p95, peak RSS. Every one of
 * these requests opens the access door and writes its audit row.
 */
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { addClient, issueToken } from '../src/fhir/clients.js';
import { describeLoad, measureLoad, type LoadFigure, type Target } from './load.js';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const PREFIX = '/fhir/R4';

/** A bearer token for a new read-only system client of the ICS. */
export async function readerToken(db: Database, icsId: string): Promise<string> {
  const client = await db.tenant(icsId, (tx) => addClient(tx, icsId, { name: `Bench reader ${Date.now()}`, scopes: 'system/*.rs', organisationId: null }));
  const token = await issueToken(db, client.clientId, client.clientSecret!, undefined);
  if (!('access_token' in token)) throw new Error(`no token: ${token.description}`);
  return token.access_token;
}

export async function fhirLoadBench(db: Database, opts: { baseUrl: string; icsId: string; seconds: number }): Promise<LoadFigure[]> {
  const sample = await rows<{ id: string; nhs_number: string }>(db.owner, sql`
    SELECT id, nhs_number FROM child WHERE ics_id = ${opts.icsId}::uuid AND nhs_number IS NOT NULL ORDER BY md5(id::text) LIMIT 1000`);
  // Children with observations, for Observation?patient= (most children have some).
  const observed = await rows<{ child_id: string }>(db.owner, sql`
    SELECT child_id FROM record_entry WHERE ics_id = ${opts.icsId}::uuid AND kind = 'observation' GROUP BY child_id ORDER BY md5(child_id::text) LIMIT 1000`);
  // $everything on records near the issue's 25 entries, so the figure is comparable across data sizes.
  const whole = await rows<{ child_id: string; n: number }>(db.owner, sql`
    SELECT child_id, count(*)::int AS n FROM record_entry WHERE ics_id = ${opts.icsId}::uuid GROUP BY child_id ORDER BY abs(count(*) - 20), md5(child_id::text) LIMIT 200`);
  const [size] = await rows<{ children: number; entries: number; audit: number }>(db.owner, sql`
    SELECT (SELECT count(*)::int FROM child) AS children, (SELECT count(*)::int FROM record_entry) AS entries, (SELECT count(*)::int FROM audit_event) AS audit`);
  console.log(`\nFHIR API under load (data: ${size.children.toLocaleString('en-GB')} children, ${size.entries.toLocaleString('en-GB')} record entries, ` +
    `${size.audit.toLocaleString('en-GB')} audit rows before; $everything on ${whole.length} records of ${Math.min(...whole.map((w) => w.n))}–${Math.max(...whole.map((w) => w.n))} entries)`);

  const headers = { authorization: `Bearer ${await readerToken(db, opts.icsId)}`, accept: 'application/fhir+json' };
  const base = { baseUrl: opts.baseUrl, headers, seconds: opts.seconds };
  const turn = <T>(list: T[], path: (item: T) => string) => {
    let i = 0;
    return () => path(list[i++ % list.length]);
  };
  const figures: LoadFigure[] = [];
  const run = async (label: string, connections: number, paths: () => string, target?: Target) => {
    const figure = await measureLoad(db, label, { ...base, connections, paths, target });
    figures.push(figure);
    console.log(describeLoad(figure));
    return figure;
  };
  // Warm up (JIT, the pool's connections, the planner's caches) before anything is counted.
  await measureLoad(db, 'warm-up', { ...base, seconds: 2, connections: 10, paths: turn(sample, (c) => `${PREFIX}/Patient/${c.id}`) });
  // The issue's targets (issue 23), at concurrency 10 on a 2-core machine with PostgreSQL and the load generator on it.
  await run('FHIR read Patient/{id}', 10, turn(sample, (c) => `${PREFIX}/Patient/${c.id}`), { perSecond: 800, p95: 25 });
  await run('FHIR Patient?identifier=nhs-number|…', 10, turn(sample, (c) => `${PREFIX}/Patient?identifier=${encodeURIComponent(`${NHS}|${c.nhs_number}`)}`), { perSecond: 600 });
  await run('FHIR Observation?patient=', 10, turn(observed, (c) => `${PREFIX}/Observation?patient=${c.child_id}`), { perSecond: 500 });
  const three = await run('FHIR Patient/{id}/$everything', 3, turn(whole, (c) => `${PREFIX}/Patient/${c.child_id}/$everything`));
  const ten = await run('FHIR Patient/{id}/$everything', 10, turn(whole, (c) => `${PREFIX}/Patient/${c.child_id}/$everything`), { perSecond: 60 });
  // "No slower per request at 10 than at 3": as many requests a second served with 10 at once as with 3.
  console.log(`$everything at 10 ÷ at 3 concurrent: ${(ten.perSecond / Math.max(1e-9, three.perSecond)).toFixed(2)}× the throughput  [target ≥ 1.00×: ${ten.perSecond >= three.perSecond ? 'met' : 'NOT met'}]`);
  return figures;
}
