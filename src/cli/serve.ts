import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Config } from '../platform/config.js';
import { connect, type DatabaseConfig } from '../platform/db/connect.js';
import { openCommandSocket, type RunCommand } from './command-socket.js';
import { migrate } from '../platform/db/migrate.js';
import { rows, type Database } from '../platform/db/client.js';
import { hashPassword, verifyPassword } from '../platform/auth/passwords.js';
import { buildJoinery } from '../app.js';
import { clusterCountFor, DEFAULT_EFFECTS, generateIcs, type Intervention } from '../synth/service.js';
import { parseIsoDate } from '../platform/time/calendar-days.js';
import { historyMonths, monthOfDays, monthText, parseMonth } from '../synth/service.js';
import { progressBar } from './progress.js';
import { startNhsSignIn } from './nhs-sign-in.js';

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

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_SECONDS = 10;

/**
 * `joinery serve`. An embedded folder is locked first (a second server or a
 * command-line copy of the database cannot open it), and once serving, other
 * `joinery` commands reach the database through the command socket.
 * SIGINT/SIGTERM stop it cleanly: stop listening, close the database, release
 * the lock, exit.
 */
export async function serve(
  config: Config & DatabaseConfig, runCommand: (argv: string[], io: Parameters<RunCommand>[1], db: Database) => Promise<number>,
): Promise<number> {
  const db = await connect({ ...config, command: 'serve' });
  // Set once serving: what a signal has to finish.
  const serving: { shutdown?: () => Promise<void> } = {};
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_SECONDS * 1000).unref();
    console.log(`\n${signal}: stopping Joinery…`);
    // Before it is serving (migrating, making the demo) there is nothing to finish: the lock goes with the process.
    if (!serving.shutdown) process.exit(130);
    serving.shutdown().then(() => process.exit(0), (e: unknown) => {
      console.error(e);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Under `npm start` a shell stands between npm and this process, and npm's SIGTERM or SIGINT ends the shell without
  // reaching here: when that parent is gone (this process is handed to another), stop as if signalled.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop('npm stopped'), 500).unref();
  }
  const version = await migrate(db);
  await ensureDemo(db, config);
  const signIn = await startNhsSignIn(db, config);
  const app = await buildJoinery({ db, config, nhsSignIn: signIn.nhsSignIn });
  await app.listen({ port: config.port, host: config.host });
  const commands = db.lock ? await openCommandSocket(config.dataDir, (argv, io) => runCommand(argv, io, db)) : undefined;
  if (commands) db.lock!.announce({ socket: commands.socket, token: commands.token });
  serving.shutdown = async () => {
    await commands?.close();
    await app.close();
    await signIn.close();
    await db.close();
    console.log('Joinery stopped.');
  };
  console.log(`Joinery is running at ${config.publicUrl} (${db.kind}, migration ${version})`);
  if (!config.cis2 || !config.nhsLogin) {
    console.log(`Stand-in NHS CIS2 at ${signIn.nhsSignIn.cis2!.issuer} and NHS login at ${signIn.nhsSignIn.nhsLogin!.issuer} (demo identities; no outside service).`);
  }
  return new Promise<number>(() => undefined);
}
