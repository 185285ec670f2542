import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ensureDemo } from '../src/cli/serve.js';
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
