import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Config } from '../platform/config.js';
import { connect } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { rows, type Database } from '../platform/db/client.js';
import { hashPassword, verifyPassword } from '../platform/auth/passwords.js';
import { buildJoinery } from '../app.js';
import { generateIcs } from '../synth/generate.js';
import { parseIsoDate } from '../synth/dates.js';
import { DEFAULT_EFFECTS, clusterCountFor, type Intervention } from '../synth/intervention.js';
import { historyMonths, monthOfDays, monthText, parseMonth } from '../synth/months.js';
import { progressBar } from './progress.js';

export const DEMO_DOMAIN = 'demo.joinery.test';
export const DEMO_SEED = 20141;

/**
 * The demo's care model, so it has an evaluation to open: a child health hub
 * in one cluster from April 2023 (or 30 months ago, once April 2023 has left
 * the five years generated) with the default effects. None when the demo is
 * too small to keep a comparator cluster.
 */
export function demoIntervention(children: number, today = new Date().toISOString().slice(0, 10)): Intervention | undefined {
  if (clusterCountFor(children) < 2) return undefined;
  const todayDays = parseIsoDate(today);
  const { first } = historyMonths(todayDays);
  const start = Math.max(parseMonth('2023-04')!, first + 12);
  return {
    model: 'child-health-hub', clusters: 1, rampMonths: 6, effects: { ...DEFAULT_EFFECTS },
    start: monthText(Math.min(start, monthOfDays(todayDays) - 30)),
  };
}

/**
 * First start: makes the demo ICS and its sign-ins. Later starts reuse the
 * data; a JOINERY_DEMO_PASSWORD given later resets the demo users' password.
 */
export async function ensureDemo(db: Database, config: Config, log = console.log): Promise<void> {
  const demoUsers = await rows<{ email: string; role: string; password_hash: string | null }>(
    db.owner,
    sql`SELECT email, role, password_hash FROM professional WHERE email LIKE ${'%@' + DEMO_DOMAIN} AND email NOT LIKE '%.%@%' ORDER BY email`,
  );
  let password = config.demoPassword;
  if (demoUsers.length === 0) {
    password ??= crypto.randomBytes(9).toString('base64url');
    log(`First start: generating the demo ICS (${config.demoChildren.toLocaleString('en-GB')} children)…`);
    const result = await generateIcs(db, {
      children: config.demoChildren,
      seed: DEMO_SEED,
      icsName: 'Demo ICS',
      demoEmailDomain: DEMO_DOMAIN,
      demoPasswordHash: await hashPassword(password),
      intervention: demoIntervention(config.demoChildren),
      onProgress: progressBar('Demo ICS'),
    });
    log(`Demo ICS ready in ${result.seconds.toFixed(1)} s.`);
    if (result.intervention) log(`A ${result.intervention.model} runs in ${result.intervention.clusters.map((c) => c.name).join(', ')} (for the evaluation).`);
    return printSignIns(result.demoUsers.map((u) => u.email), password, log);
  }
  if (password && !(await verifyPassword(demoUsers[0].password_hash, password))) {
    const hash = await hashPassword(password);
    await db.owner.execute(sql`UPDATE professional SET password_hash = ${hash} WHERE email = ANY(${sql.param(demoUsers.map((u) => u.email))}::text[])`);
  }
  printSignIns(demoUsers.map((u) => u.email), password, log);
}

function printSignIns(emails: string[], password: string | undefined, log: (s: string) => void) {
  log('\nDemo sign-ins (one per role):');
  for (const email of emails) log(`  ${email}`);
  log(password ? `Password: ${password}\n` : 'Password: as printed at first start (set JOINERY_DEMO_PASSWORD to choose a new one)\n');
}

export async function serve(config: Config): Promise<number> {
  const db = await connect(config);
  const version = await migrate(db);
  await ensureDemo(db, config);
  const app = await buildJoinery({ db, config });
  const stop = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port: config.port, host: config.host });
  console.log(`Joinery is running at ${config.publicUrl} (${db.kind}, migration ${version})`);
  return new Promise<number>(() => undefined);
}
