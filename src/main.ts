import { parseArgs } from 'node:util';
import { z } from 'zod';
import path from 'node:path';
import { loadConfig, ConfigError, type Config } from './platform/config.js';
import { connect, type DatabaseConfig } from './platform/db/connect.js';
import type { Database } from './platform/db/client.js';
import { DataFolderInUse, folderHolder } from './platform/db/data-folder-lock.js';
import { relayCommand } from './cli/command-socket.js';
import type { Output } from './cli/output.js';
import { BACKUP_HELP, backupCommand, restoreCommand } from './cli/backup.js';
import { migrate } from './platform/db/migrate.js';
import { registerChildAccess } from './relationships.js';
import { serve } from './cli/serve.js';
import { synthCommand } from './cli/synth.js';
import { importFhirCommand, importFhirFlags } from './cli/import-fhir.js';
import { clientAddCommand, clientAddFlags } from './cli/client-add.js';
import { clientChangeCommand, clientListCommand } from './cli/client-keeping.js';
import { spcCommand } from './cli/spc.js';
import { pewsCommand, PEWS_HELP } from './cli/pews.js';
import { evaluateCommand, EVALUATE_HELP } from './cli/evaluate.js';
import { standardsCommand, STANDARDS_HELP } from './cli/standards.js';
import { indicatorsCommand, INDICATORS_HELP } from './cli/indicators.js';
import { importActivityCommand, IMPORT_ACTIVITY_HELP } from './cli/import-activity.js';
import { adviceCommand, ADVICE_HELP } from './cli/advice.js';
import { jobsCommand, JOBS_HELP } from './cli/jobs.js';
import { distributeCommand, DISTRIBUTE_HELP } from './cli/distribute.js';

const HELP = `joinery: joined-up care for children and young people

Usage: joinery <command> [options]

Commands:
  serve                      Start the web application (migrates; on first start, creates the demo ICS while serving)
  migrate                    Apply database migrations
  distribute                 On a Citus coordinator: distribute the tables by ICS (refused on plain PostgreSQL and PGlite)
  synth --children N --seed S [--ics NAME] [--intervention FILE]
                             Generate a synthetic ICS (up to 500,000 children, five years of activity) into the configured database
  import fhir <file or folder> [--ics CODE] [--source URI]
                             Import FHIR Bundles (.json) and Bulk Data NDJSON (.ndjson) as the ICS's integration engine
  client add --name NAME --scopes "SCOPES" [--org CODE] [--ics CODE]
                             Register a FHIR client (OAuth 2.0 client credentials); prints its id and secret as JSON
  client list | revoke ID | rotate ID [--ics CODE]
                             List the FHIR clients; revoke one (its tokens stop at once); give one a new secret
  import activity FILE.csv [--ics CODE]
                             Import activity (ED, admissions, outpatients, GP, community and mental health contacts) from a CSV
  indicators [--ics CODE]    List the population indicators with their ids
  advice export | import FILE [--ics CODE]
                             Print the ICS's advice library for families as JSON, or load one (a bad file changes nothing)
  evaluate --indicator ID --model NAME [--method its|did] [--ics CODE]
                             Estimate a care model's effect on an indicator: JSON with the relative effect and its 95% CI
  standards [--json] [--at DATE] [--ics CODE]
                             The child health standards measured from data, per hub (the standards page's figures)
  jobs list | run NAME [--at DATE-TIME]
                             The scheduled jobs (serve runs them when due); run one now, optionally for another clock
  backup FILE                Write the whole database to FILE as plain SQL (works while serving)
  restore FILE [--replace]   Load a backup into the configured database (refused while serving, and over data unless --replace)
  spc < series.json          Statistical process control (Making Data Count XmR) for one series: JSON in, JSON out
  pews < observations.json   Paediatric Early Warning Score and escalation level for observations: JSON in, JSON out
  help                       Show this help

Configuration (environment):
  PORT                       Port to listen on (default 3000)
  DATABASE_URL               postgres://… to use a PostgreSQL server (default: embedded PGlite)
  JOINERY_DATA_DIR           Folder for the embedded database (default ./.joinery)
  JOINERY_DEMO_PASSWORD      Password for the demo users (default: a random one, printed at first start)
  JOINERY_DEMO_CHILDREN      Size of the demo ICS made at first start (default 20000)
  JOINERY_PUBLIC_URL         Where users reach Joinery, e.g. https://joinery.example.nhs.uk (default http://localhost:PORT)
  JOINERY_TRUSTED_PROXIES    Proxy addresses or CIDR ranges whose X-Forwarded-* headers are believed (default none)
  JOINERY_SESSION_MAX_HOURS  Sign out this long after signing in, 1 to 24 (default 12)

Run 'joinery <command> --help' for a command's options.`;

const COMMAND_HELP: Record<string, string> = {
  serve: 'joinery serve\n\nStarts Joinery on PORT. On first start it migrates and starts answering, then generates the demo ICS (its pages say how far it has got; signing in opens when it is ready) and prints the demo sign-ins.',
  migrate: 'joinery migrate\n\nApplies the committed SQL migrations to the configured database and prints the version.',
  synth:
    'joinery synth --children N --seed S [--ics NAME] [--intervention FILE]\n\n' +
    '  --children N          number of children, 100 to 500000\n' +
    '  --seed S              whole number; the same seed always gives the same ICS\n' +
    '  --ics NAME            the ICS name (default "Synthetic ICS <seed>")\n' +
    '  --intervention FILE   switch a care model on in some clusters, with its effect on activity, e.g.\n' +
    '                        {"model": "child-health-hub", "clusters": 2, "start": "2023-04", "rampMonths": 6,\n' +
    '                         "effects": {"ed-attendances": -0.15, "outpatient-first": -0.35, "emergency-admissions": -0.12}}\n' +
    '                        model: a lower-case id; clusters: how many get it (at least one cluster must stay without);\n' +
    '                        start: the month it starts (YYYY-MM, within the five years generated); rampMonths: 0 to 24\n' +
    '                        (default 6) to reach full effect; effects: relative changes above -1 and below 1 for\n' +
    '                        ed-attendances, emergency-admissions, outpatient-first (default as above).\n' +
    '                        The clusters are chosen by the seed; each gets a care_model_implementation row with the\n' +
    '                        effects as the truth an evaluation should recover. A bad file exits 2 and writes nothing.',
  import:
    'joinery import fhir <file or folder> [--ics CODE] [--source URI]\n\n' +
    '  Imports FHIR R4 into the configured database as the ICS\'s integration engine, with a progress bar and a summary\n' +
    '  (created, updated, unchanged, rejected with reasons; line numbers for NDJSON). Importing the same files again changes nothing.\n' +
    '  <file or folder>  .json (a transaction or batch Bundle, any other Bundle, or one resource) and .ndjson (Bulk Data: one resource a line)\n' +
    '  --ics CODE        the ICS to import into (needed when there is more than one)\n' +
    '  --source URI      the sender\'s namespace for bare resource ids (default: this importer\'s own)\n' +
    '  Exits 1 when any resource was rejected.\n\n' + IMPORT_ACTIVITY_HELP,
  indicators: INDICATORS_HELP,
  advice: ADVICE_HELP,
  evaluate: EVALUATE_HELP,
  standards: STANDARDS_HELP,
  jobs: JOBS_HELP,
  distribute: DISTRIBUTE_HELP,
  pews: PEWS_HELP,
  backup: BACKUP_HELP,
  restore: BACKUP_HELP,
  client:
    'joinery client add --name NAME --scopes "SCOPES" [--org CODE] [--jwks FILE | --jwks-url URL] [--ics CODE]\n\n' +
    '  Registers a system client for the FHIR API and prints {"client_id", "client_secret"} (the secret is shown only once).\n' +
    '  --jwks FILE      the client\'s public keys (a JWKS, RS384 or ES384): it signs a JWT assertion for each token\n' +
    '                   (SMART Backend Services, private_key_jwt) and is given no secret\n' +
    '  --jwks-url URL   as --jwks, from the https URL where the client publishes its keys\n' +
    '  --name NAME      what the client is, e.g. "Riverside Surgery EMIS feed"\n' +
    '  --scopes SCOPES  SMART v2 system scopes, e.g. "system/*.rs system/*.cud" or "system/Patient.rs"\n' +
    '  --org CODE       ODS code of the organisation it acts for: it sees the children registered there or in its care teams.\n' +
    '                   Without it, the client is the ICS\'s own integration engine and sees the whole ICS.\n' +
    '  --ics CODE       the ICS (needed when there is more than one)\n' +
    '  Clients get tokens at POST /oauth/token (grant_type=client_credentials); a token lasts an hour.\n\n' +
    'joinery client list [--ics CODE]\n\n  The clients with their id, scopes, organisation, whether revoked, and when each last got a token.\n\n' +
    'joinery client revoke ID [--ics CODE]\n\n  Revokes a client: it gets no more tokens and the tokens it has stop working at once. Audited.\n\n' +
    'joinery client rotate ID [--ics CODE]\n\n  Gives a client a new secret, printed once as {"client_id", "client_secret"}; the old secret and its tokens stop working. Audited.',
  spc:
    'joinery spc < series.json\n\n' +
    '  Reads {"values": [...], "improvement": "increase"|"decrease"|"neutral", "target"?: n, "fixAfterPoints"?: n,\n' +
    '  "rebaseAt"?: [indexes], "screenOutliers"?: true|false} on standard input and prints\n' +
    '  {"points": [{"value", "mean", "lpl", "upl", "type"}], "variation", "assurance", "warnings"} as JSON,\n' +
    '  with the rules of NHS-R\'s NHSRplotthedots 0.2.x (Making Data Count).\n' +
    '  type        common_cause, special_cause_improvement, special_cause_concern, special_cause_neutral_high or _low\n' +
    '  variation   the latest point\'s type (the variation icon)\n' +
    '  assurance   consistent_pass, consistent_fail or inconsistent: the target against the latest limits\n' +
    '              (null without a target or when improvement is neutral)\n' +
    '  lpl, upl    null when a segment has no variation to set limits from\n' +
    '  rebaseAt    indexes (from 0) of the points that start new limits; fixAfterPoints fixes each segment\'s limits on its first n points\n' +
    '  Exits 2, saying why, when the input is not valid.',
};

export const synthFlags = z.object({
  children: z.coerce.number({ error: '--children must be a number' }).int('--children must be a whole number')
    .min(100, '--children must be at least 100').max(500_000, '--children must be at most 500000'),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').min(0).max(2 ** 31 - 1),
  ics: z.string().trim().min(1).max(100).optional(),
  intervention: z.string().min(1, '--intervention needs a file').optional(),
});

const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Options that are followed by a value; any other argument not starting with -- is a file, or a client id. */
const VALUE_OPTIONS = new Set(['--ics', '--source', '--children', '--seed', '--name', '--scopes', '--org', '--intervention', '--jwks', '--jwks-url']);
/** Options whose value is a file. */
const FILE_OPTIONS = new Set(['--intervention', '--jwks']);

/**
 * Arguments that name files, made absolute: a command the running server
 * carries out reads them from its own working folder, not the caller's.
 */
function withAbsolutePaths(argv: string[], cwd = process.cwd()): string[] {
  const firstArgument = argv[0] === 'import' || argv[0] === 'advice' ? 2 : 1;
  const namesFile = ['import', 'backup', 'restore', 'synth', 'advice'].includes(argv[0]);
  return argv.map((arg, i) => {
    const afterOption = VALUE_OPTIONS.has(argv[i - 1]);
    const file = afterOption ? FILE_OPTIONS.has(argv[i - 1]) : namesFile && i >= firstArgument && !arg.startsWith('-');
    return file ? path.resolve(cwd, arg) : arg;
  });
}

/**
 * Runs one command. `serving` is the running server's database, when the
 * server carries out a command sent by another `joinery` process.
 */
export async function main(argv: string[], io: Output = consoleOutput, serving?: Database): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return 0;
  }
  if (!(command in COMMAND_HELP)) {
    io.err(`Unknown command '${command}'.\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(COMMAND_HELP[command]);
    return 0;
  }
  if (command === 'spc' || command === 'pews') {
    if (rest.length) {
      io.err(`joinery ${command} takes no arguments: give the JSON on standard input.\n\n${COMMAND_HELP[command]}`);
      return 2;
    }
    return command === 'spc' ? spcCommand(io) : pewsCommand(io);
  }
  registerChildAccess();
  try {
    const config: Config & DatabaseConfig = { ...loadConfig(), serving, command: [command, rest[0]].filter(Boolean).join(' ') };
    if (command === 'serve') {
      if (serving) {
        io.err('Joinery is already serving this data folder.');
        return 1;
      }
      return await serve(config, (args, out, db) => main(args, out, db));
    }
    // An embedded folder that a server holds is reached through that server, never opened a second time.
    const holder = serving || config.databaseUrl ? null : folderHolder(config.dataDir);
    if (holder?.serving && holder.pid !== process.pid) {
      if (command === 'restore') {
        io.err(`Joinery is serving ${config.dataDir} (process ${holder.pid}): stop it before restoring into that folder.`);
        return 1;
      }
      return await relayCommand(holder.serving, withAbsolutePaths(argv), io);
    }
    if (command === 'backup') return await backupCommand(config, rest, io);
    if (command === 'restore') return await restoreCommand(config, rest, io);
    if (command === 'migrate') {
      const db = await connect(config);
      try {
        io.out(`Migrated ${db.kind} database to ${await migrate(db)}`);
      } finally {
        await db.close();
      }
      return 0;
    }
    if (command === 'indicators') return await indicatorsCommand(config, rest, io);
    if (command === 'advice') return await adviceCommand(config, rest, io);
    if (command === 'evaluate') return await evaluateCommand(config, rest, io);
    if (command === 'standards') return await standardsCommand(config, rest, io);
    if (command === 'jobs') return await jobsCommand(config, rest, io);
    if (command === 'distribute') return await distributeCommand(config, rest, io);
    if (command === 'import' || command === 'client') {
      const [sub, ...args] = rest;
      if (command === 'import' && sub === 'activity') return await importActivityCommand(config, args, io);
      if (command === 'client' && (sub === 'list' || sub === 'revoke' || sub === 'rotate')) {
        const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ics: { type: 'string' } } });
        if (positionals.length !== (sub === 'list' ? 0 : 1)) {
          io.err(`${sub === 'list' ? 'joinery client list takes no client id' : `Give the id of the client to ${sub}, as joinery client list shows it`}.\n\n${COMMAND_HELP.client}`);
          return 2;
        }
        if (sub === 'list') return await clientListCommand(config, values.ics, io);
        return await clientChangeCommand(config, sub, positionals[0], values.ics, io);
      }
      const wanted = command === 'import' ? 'fhir' : 'add';
      if (sub !== wanted) {
        const choices = command === 'import' ? "'joinery import fhir' or 'joinery import activity'" : "'joinery client add', 'list', 'revoke' or 'rotate'";
        io.err(`Unknown ${command} command '${sub ?? ''}': did you mean ${choices}?\n\n${COMMAND_HELP[command]}`);
        return 2;
      }
      if (command === 'import') {
        const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ics: { type: 'string' }, source: { type: 'string' } } });
        const flags = importFhirFlags.safeParse({ ...values, path: positionals.length === 1 ? positionals[0] : undefined });
        if (!flags.success || positionals.length !== 1) {
          io.err(`${flags.success ? 'Give one file or folder' : flags.error.issues.map((i) => i.message).join('\n')}\n\n${COMMAND_HELP.import}`);
          return 2;
        }
        return await importFhirCommand(config, flags.data, io);
      }
      const { values } = parseArgs({ args, options: { name: { type: 'string' }, scopes: { type: 'string' }, org: { type: 'string' }, ics: { type: 'string' }, jwks: { type: 'string' }, 'jwks-url': { type: 'string' } } });
      const flags = clientAddFlags.safeParse({ ...values, jwksUrl: values['jwks-url'] });
      if (!flags.success) {
        io.err(flags.error.issues.map((i) => i.message).join('\n') + `\n\n${COMMAND_HELP.client}`);
        return 2;
      }
      return await clientAddCommand(config, flags.data, io);
    }
    const { values } = parseArgs({ args: rest, options: { children: { type: 'string' }, seed: { type: 'string' }, ics: { type: 'string' }, intervention: { type: 'string' } } });
    const flags = synthFlags.safeParse(values);
    if (!flags.success) {
      io.err(flags.error.issues.map((i) => i.message).join('\n') + `\n\n${COMMAND_HELP.synth}`);
      return 2;
    }
    return await synthCommand(config, flags.data, io);
  } catch (error) {
    if (error instanceof DataFolderInUse) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof ConfigError || (error instanceof TypeError && /parseArgs|ERR_PARSE_ARGS/.test(String((error as { code?: string }).code ?? error.message)))) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
