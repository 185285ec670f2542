import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
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
import { GettingReady } from '../platform/http/getting-ready.js';
import { startNhsSignIn } from './nhs-sign-in.js';
import { startJobRunner, type JobRunner } from '../platform/jobs/runner.js';
import { scheduledJobs } from './jobs.js';

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

/** What makes the demo ICS (all but its password): the same on every first start of the same size, on the same day. */
export const demoIcsOptions = (children: number) => ({
  children, seed: DEMO_SEED, icsName: 'Demo ICS', demoEmailDomain: DEMO_DOMAIN, intervention: demoIntervention(children), careModelRegister: true,
});

/** The demo's sign-ins (one per role), or none before the demo ICS is made. */
const demoSignIns = (db: Database) => rows<{ email: string; role: string; password_hash: string | null }>(
  db.owner,
  sql`SELECT email, role, password_hash FROM professional WHERE email LIKE ${'%@' + DEMO_DOMAIN} AND email NOT LIKE '%.%@%' ORDER BY email`,
);

/** Whether the demo ICS is there already (a later start), without making it. */
export async function demoMade(db: Database): Promise<boolean> {
  return (await demoSignIns(db)).length > 0;
}

/**
 * First start: makes the demo ICS and its sign-ins (onProgress hears how far
 * it has got). Later starts reuse the data; a JOINERY_DEMO_PASSWORD given
 * later resets the demo users' password.
 */
export async function ensureDemo(
  db: Database, config: Config, log = console.log, onProgress: (done: number, total: number, stage: string) => void = progressBar('Demo ICS'),
): Promise<void> {
  const demoUsers = await demoSignIns(db);
  let password = config.demoPassword;
  if (demoUsers.length === 0) {
    password ??= crypto.randomBytes(9).toString('base64url');
    log(`First start: generating the demo ICS (${config.demoChildren.toLocaleString('en-GB')} children)…`);
    const result = await generateIcs(db, { ...demoIcsOptions(config.demoChildren), demoPasswordHash: await hashPassword(password), onProgress });
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

/** A started Joinery: it answers at once; ready settles once the demo ICS is made (first start) and commands are taken. */
export type Serving = { app: FastifyInstance; db: Database; ready: Promise<void>; shutdown: () => Promise<void> };

/**
 * Migrates, starts the sign-in providers and listens. On a first start the
 * demo ICS is made after that, while every page says how far it has got
 * (platform/http/getting-ready.ts): the same seed still makes the same ICS,
 * and nobody waits at a blank terminal for a minute before Joinery answers.
 */
export async function startServing(
  config: Config & DatabaseConfig, runCommand: (argv: string[], io: Parameters<RunCommand>[1], db: Database) => Promise<number>,
  log = console.log,
): Promise<Serving> {
  const db = await connect({ ...config, command: 'serve' });
  const version = await migrate(db);
  const gettingReady = (await demoMade(db)) ? undefined : new GettingReady('the demo ICS', config.demoChildren);
  if (!gettingReady) await ensureDemo(db, config, log);
  const signIn = await startNhsSignIn(db, config);
  const app = await buildJoinery({ db, config, nhsSignIn: signIn.nhsSignIn, gettingReady });
  await app.listen({ port: config.port, host: config.host });
  log(`Joinery is running at ${config.publicUrl} (${db.kind}, migration ${version})`);
  if (!config.cis2 || !config.nhsLogin) {
    log(`Stand-in NHS CIS2 at ${signIn.nhsSignIn.cis2!.issuer} and NHS login at ${signIn.nhsSignIn.nhsLogin!.issuer} (demo identities; no outside service).`);
  }
  let commands: Awaited<ReturnType<typeof openCommandSocket>> | undefined;
  let jobs: JobRunner | undefined;
  const ready = (async () => {
    if (gettingReady) {
      log('Its pages say how far the demo ICS has got; signing in opens when it is ready.');
      const bar = progressBar('Demo ICS');
      await ensureDemo(db, config, log, (done, total, stage) => {
        gettingReady.report(done, total, stage);
        bar(done, total, stage);
      });
      gettingReady.finished();
    }
    commands = db.lock ? await openCommandSocket(config.dataDir, (argv, io) => runCommand(argv, io, db)) : undefined;
    if (commands) db.lock!.announce({ socket: commands.socket, token: commands.token });
    // Once the demo ICS is there: jobs that are due run now, and then as they fall due.
    jobs = startJobRunner(db, scheduledJobs(db), { log });
  })();
  const shutdown = async () => {
    // A run under way finishes (and records itself) before the database closes.
    await jobs?.stop();
    await commands?.close();
    await app.close();
    await signIn.close();
    await db.close();
  };
  return { app, db, ready, shutdown };
}

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
  const started = await startServing(config, runCommand);
  try {
    await started.ready;
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
  serving.shutdown = async () => {
    await started.shutdown();
    console.log('Joinery stopped.');
  };
  return new Promise<number>(() => undefined);
}
