import type pg from 'pg';
import { fileURLToPath } from 'node:url';
import { hearAppStatements, type AppStatement } from '../../src/platform/db/connect.js';
import type { Database } from '../../src/platform/db/client.js';
import { explainable, planProblems, readsTenantTable } from './plans.js';
import { tenantTables } from './catalogue.js';

/** The project's folder, as stack traces name its files. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One statement text the app sent, the parameters it first sent with it, and where it came from. */
export type HeardStatement = AppStatement & { sources: Set<string> };

/** The first two frames of the app's own code (not the database client, not a library) on the stack that asked for a statement. */
function source(stack: string): string {
  const frames: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const at = /(src\/[^\s():]+\.ts):(\d+)/.exec(line);
    if (at && !at[1].startsWith('src/platform/db/')) frames.push(`${at[1]}:${at[2]}`);
    if (frames.length === 2) break;
  }
  return frames.length ? frames.join(' < ') : 'an unknown place in src';
}

/**
 * Starts hearing every statement the app's transactions send, keyed by text,
 * until stop(). `where.now` names what is being done (a page's address), so a
 * report says both the page and the line of code.
 */
export function startHearing(): { heard: Map<string, HeardStatement>; where: { now: string }; stop: () => void } {
  const heard = new Map<string, HeardStatement>();
  const where = { now: 'setting up' };
  hearAppStatements((s) => {
    if (!explainable(s.text)) return;
    const from = `${where.now} (${source(s.by)})`;
    const known = heard.get(s.text);
    if (known) known.sources.add(from);
    else heard.set(s.text, { ...s, sources: new Set([from]) });
  });
  return { heard, where, stop: () => hearAppStatements(undefined) };
}

/** Hears every statement the app's transactions send while `during` runs (startHearing). */
export async function hearStatements(during: (heard: Map<string, HeardStatement>, where: { now: string }) => Promise<void>): Promise<Map<string, HeardStatement>> {
  const { heard, where, stop } = startHearing();
  try {
    await during(heard, where);
  } finally {
    stop();
  }
  return heard;
}

/**
 * Whether the app's own code asked for a statement: the nearest frame of
 * Joinery's code (the database client aside) is in src/ and not a test or a
 * test's set-up. A test's own SQL (fixtures, checks of what was written) is
 * not the app's, and need not be what Citus would route.
 */
export function askedByApp(stack: string): boolean {
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(ROOT);
    const file = at < 0 || line.includes('node_modules') ? undefined : /^[^\s():]+\.ts/.exec(line.slice(at + ROOT.length))?.[0];
    if (!file || file.startsWith('src/platform/db/')) continue;
    return file.startsWith('src/') && !/(\.test|test-setup)\.ts$/.test(file);
  }
  return false;
}

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const short = (text: string) => (flat(text).length > 400 ? `${flat(text).slice(0, 397)}...` : flat(text));

/** A statement Citus would refuse, send to every shard, or run as a COPY under row-level security. */
export type QueryProblem = { faults: string[]; sql: string; sources: string[] };

type Plan = Parameters<typeof planProblems>[0];

/** The statement's plan, as the owner (no row-level security filters) with the tenant set for statements that read it themselves. */
export async function explainAsOwner(db: Database, icsId: string, s: Pick<AppStatement, 'text' | 'values'>): Promise<Plan> {
  const client = await (db.owner as unknown as { $client: pg.Pool }).$client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.ics_id', $1, true)`, [icsId]);
    return (await client.query<{ 'QUERY PLAN': [{ Plan: Plan }] }>(`EXPLAIN (VERBOSE, FORMAT JSON) ${s.text}`, s.values)).rows[0]['QUERY PLAN'][0].Plan;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** Each heard statement with something wrong, explained as the owner on the server. icsId: the tenant the statements ran for. */
export async function citusQueryProblems(db: Database, icsId: string, heard: Map<string, HeardStatement>, tally = { tenant: 0, oneShard: 0 }): Promise<QueryProblem[]> {
  const tenant = await tenantTables(db.owner);
  const problems: QueryProblem[] = [];
  for (const s of heard.values()) {
    let faults: string[];
    try {
      const plan = await explainAsOwner(db, icsId, s);
      faults = planProblems(plan, tenant, s.text);
      if (readsTenantTable(plan, tenant)) {
        tally.tenant++;
        if (!faults.length) tally.oneShard++;
      }
    } catch (e) {
      faults = [`could not be explained (${(e as Error).message})`];
    }
    if (faults.length) problems.push({ faults, sql: flat(s.text), sources: [...s.sources] });
  }
  return problems;
}

/** SQL known to break a rule and not yet fixed: the file that sends it and the start of its text. */
export type KnownOffender = { file: string; sql: string };

const isKnown = (p: QueryProblem, k: KnownOffender) => p.sql.startsWith(k.sql) && p.sources.some((s) => s.includes(`(${k.file}:`));

/** One message for a problem: what is wrong, the SQL and where it was sent from. */
export const describe = (p: QueryProblem) => `${p.faults.join('; ')}\n  SQL: ${short(p.sql)}\n  sent from: ${p.sources.slice(0, 3).join('; ')}`;

/** Problems not on the known list, and known offenders no longer sent (fixed: take them off the list). */
export function againstKnown(problems: QueryProblem[], known: readonly KnownOffender[]): { unknown: string[]; fixed: string[] } {
  return {
    unknown: problems.filter((p) => !known.some((k) => isKnown(p, k))).map(describe),
    fixed: known.filter((k) => !problems.some((p) => isKnown(p, k))).map((k) => `${k.file}: ${k.sql}`),
  };
}
