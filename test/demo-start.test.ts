import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { demoIcsOptions, ensureDemo, startServing, type Serving } from '../src/cli/serve.js';
import { generateIcs } from '../src/synth/service.js';
import { loadConfig } from '../src/platform/config.js';
import { rows, type Database } from '../src/platform/db/client.js';
import { signIn } from '../src/platform/auth/service.js';
import { ROLE_IDS } from '../src/platform/access/roles.js';
import { freshDatabase } from './database.js';

/** What `npm start` does to the database on a first and a later start. */
describe('demo ICS at start', () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase('pglite');
  });
  afterAll(() => db?.close());

  const start = async (env: Record<string, string>) => {
    const lines: string[] = [];
    await ensureDemo(db, loadConfig({ JOINERY_DEMO_CHILDREN: '300', ...env }), (s) => lines.push(s));
    return lines.join('\n');
  };
  const childCount = async () => (await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM child`))[0].n;

  it('first start generates the demo ICS and prints one sign-in per role with a random password', async () => {
    const out = await start({});
    expect(out).toContain('First start: generating the demo ICS');
    for (const role of ROLE_IDS) expect(out).toContain(`${role}@demo.joinery.test`);
    const password = /Password: (\S+)/.exec(out)![1];
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(await signIn(db, 'gp@demo.joinery.test', password)).not.toBeNull();
    expect(await childCount()).toBe(300);
  });

  it('a later start reuses the data, and JOINERY_DEMO_PASSWORD resets the demo password', async () => {
    const out = await start({ JOINERY_DEMO_PASSWORD: 'a-new-demo-password' });
    expect(out).not.toContain('First start');
    expect(out).toContain('Password: a-new-demo-password');
    expect(await childCount()).toBe(300);
    expect(await signIn(db, 'admin@demo.joinery.test', 'a-new-demo-password')).not.toBeNull();
    expect(await start({})).toContain('as printed at first start');
  });
});

/**
 * Every tenant table's rows as one hash each, leaving out what differs by when or with what password it was made
 * (the clock times rows were written: created_at, updated_at, and saved_at of the advice library's versions), and
 * what the scheduled jobs a running Joinery starts once the demo is ready wrote after it: the age milestones job's
 * notices, the worklist items telling a practice to tell a young person, the ward clock's step-ups (who owns an
 * escalation now, and the worklist items that follow it), its missed-observation alerts (raised once the demo's
 * sixth child's skipped set falls due, so only after 08:00 on the day: the stay turns escalated, and the ward's
 * escalation figures are rewritten) and the jobs' audit rows. The generator alone runs no jobs.
 */
const WRITTEN_BY_JOBS: Record<string, { where?: string; columns?: string[] }> = {
  audit_event: { where: `WHERE role IS DISTINCT FROM 'scheduled-job'` },
  family_notice: { where: 'WHERE false' },
  young_person_milestone_notice: { where: 'WHERE false' },
  worklist_item: { where: `WHERE kind NOT IN ('family-tell-young-person', 'ward-escalation')` },
  ward_escalation: { where: 'WHERE missed_observations_due_at IS NULL', columns: ['owner_id', 'rota_position', 'stepped_up_at', 'response_due_at'] },
  ward_episode: { columns: ['state', 'version'] },
  population_rollup: { where: `WHERE measure NOT LIKE 'ward-escalated-%'` },
  population_area_rollup: { where: `WHERE measure NOT LIKE 'ward-escalated-%'` },
};

async function icsFingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await rows<{ table_name: string }>(db.owner, sql`
    SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'ics_id' ORDER BY table_name`);
  const out: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const byJobs = { where: '', columns: [] as string[], ...WRITTEN_BY_JOBS[table] };
    const [r] = await rows<{ h: string; n: number }>(db.owner, sql`
      SELECT md5(coalesce(string_agg(j, '|' ORDER BY j), '')) AS h, count(*)::int AS n
        FROM (SELECT (to_jsonb(t) - 'created_at' - 'updated_at' - 'saved_at' - 'password_hash' ${sql.raw(byJobs.columns.map((c) => `- '${c}'`).join(' '))})::text AS j
                FROM ${sql.raw(table)} t ${sql.raw(byJobs.where)}) s`);
    out[table] = `${r.n}:${r.h}`;
  }
  return out;
}

/** `npm start` on an empty folder: Joinery answers before the demo ICS is made, and makes the same ICS as ever. */
describe('first start serves at once while the demo ICS is made', { timeout: 180_000 }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-first-start-'));
  let serving: Serving | undefined;
  afterAll(async () => {
    await serving?.shutdown();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says the demo ICS is being made and how far it has got, refuses signing in until it is made, then opens sign-in', async () => {
    const config = {
      ...loadConfig({ JOINERY_DATA_DIR: dataDir, JOINERY_DEMO_CHILDREN: '300', JOINERY_STAND_IN_CIS2_PORT: '0', JOINERY_STAND_IN_NHS_LOGIN_PORT: '0' }),
      port: 0,
    };
    const lines: string[] = [];
    serving = await startServing(config, async () => 0, (s) => lines.push(s));
    const { app } = serving;
    // Asked the moment it listens: the demo ICS is still being made.
    const home = await app.inject({ method: 'GET', url: '/children' });
    expect(home.statusCode).toBe(503);
    expect(home.headers['retry-after']).toBe('5');
    expect(home.body).toContain('Joinery is making the demo ICS');
    expect(home.body).toContain('You can sign in when it is ready');
    expect(home.body).toContain('of 300 children made');
    // "Check again" comes back to the page the person asked for.
    expect(home.body).toContain('href="/children"');
    // …on this site only: a path a browser would read as another host leads back to the home page.
    const elsewhere = await app.inject({ method: 'GET', url: '/\\evil.example/x' });
    expect(elsewhere.statusCode).toBe(503);
    expect(elsewhere.body).not.toContain('evil.example');
    const refused = await app.inject({ method: 'POST', url: '/sign-in', payload: { email: 'gp@demo.joinery.test', password: 'anything-at-all' } });
    expect(refused.statusCode).toBe(503);
    const status = (await app.inject({ method: 'GET', url: '/getting-ready' })).json();
    expect(status).toMatchObject({ ready: false, what: 'the demo ICS', total: 300 });
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);

    await serving.ready;
    const { port } = app.server.address() as AddressInfo;
    const ready = await fetch(`http://127.0.0.1:${port}/getting-ready`);
    expect(await ready.json()).toEqual({ ready: true, what: 'the demo ICS', done: 300, total: 300, stage: 'done', stageText: 'Finishing', percent: 100 });
    const page = await fetch(`http://127.0.0.1:${port}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('Joinery is making');
    const out = lines.join('\n');
    expect(out.indexOf('Joinery is running at')).toBeLessThan(out.indexOf('First start: generating the demo ICS'));
    const password = /Password: (\S+)/.exec(out)![1];
    expect(await signIn(serving.db, 'gp@demo.joinery.test', password)).not.toBeNull();
  });

  it('makes the same ICS as the generator makes from the demo seed', async () => {
    const fresh = await freshDatabase('pglite');
    try {
      await generateIcs(fresh, { ...demoIcsOptions(300), demoPasswordHash: null });
      expect(await icsFingerprint(serving!.db)).toEqual(await icsFingerprint(fresh));
    } finally {
      await fresh.close();
    }
  });
});
