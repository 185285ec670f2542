import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, ConfigError } from './platform/config.js';
import { connect } from './platform/db/connect.js';
import { migrate } from './platform/db/migrate.js';
import { serve } from './cli/serve.js';
import { synthCommand } from './cli/synth.js';

const HELP = `joinery: joined-up care for children and young people

Usage: joinery <command> [options]

Commands:
  serve                      Start the web application (migrates, and creates the demo ICS on first start)
  migrate                    Apply database migrations
  synth --children N --seed S [--ics NAME]
                             Generate a synthetic ICS (up to 500,000 children) into the configured database
  help                       Show this help

Configuration (environment):
  PORT                       Port to listen on (default 3000)
  DATABASE_URL               postgres://… to use a PostgreSQL server (default: embedded PGlite)
  JOINERY_DATA_DIR           Folder for the embedded database (default ./.joinery)
  JOINERY_DEMO_PASSWORD      Password for the demo users (default: a random one, printed at first start)
  JOINERY_DEMO_CHILDREN      Size of the demo ICS made at first start (default 20000)

Run 'joinery <command> --help' for a command's options.`;

const COMMAND_HELP: Record<string, string> = {
  serve: 'joinery serve\n\nStarts Joinery on PORT. On first start it migrates and generates the demo ICS, then prints the demo sign-ins.',
  migrate: 'joinery migrate\n\nApplies the committed SQL migrations to the configured database and prints the version.',
  synth:
    'joinery synth --children N --seed S [--ics NAME]\n\n' +
    '  --children N   number of children, 100 to 500000\n' +
    '  --seed S       whole number; the same seed always gives the same ICS\n' +
    '  --ics NAME     the ICS name (default "Synthetic ICS <seed>")',
};

export const synthFlags = z.object({
  children: z.coerce.number({ error: '--children must be a number' }).int('--children must be a whole number')
    .min(100, '--children must be at least 100').max(500_000, '--children must be at most 500000'),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').min(0).max(2 ** 31 - 1),
  ics: z.string().trim().min(1).max(100).optional(),
});

export type Output = { out: (line: string) => void; err: (line: string) => void };
const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function main(argv: string[], io: Output = consoleOutput): Promise<number> {
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
  try {
    const config = loadConfig();
    if (command === 'serve') return await serve(config);
    if (command === 'migrate') {
      const db = await connect(config);
      try {
        io.out(`Migrated ${db.kind} database to ${await migrate(db)}`);
      } finally {
        await db.close();
      }
      return 0;
    }
    const { values } = parseArgs({ args: rest, options: { children: { type: 'string' }, seed: { type: 'string' }, ics: { type: 'string' } } });
    const flags = synthFlags.safeParse(values);
    if (!flags.success) {
      io.err(flags.error.issues.map((i) => i.message).join('\n') + `\n\n${COMMAND_HELP.synth}`);
      return 2;
    }
    return await synthCommand(config, flags.data, io.out);
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof TypeError && /parseArgs|ERR_PARSE_ARGS/.test(String((error as { code?: string }).code ?? error.message)))) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}
