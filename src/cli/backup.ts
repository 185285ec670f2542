import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.js';
import { connect, type DatabaseConfig } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { databaseError } from '../platform/db/client.js';
import { backup, holdsData, restore, RestoreError } from '../platform/db/backup.js';

type Io = { out: (l: string) => void; err: (l: string) => void };

export const BACKUP_HELP =
  'joinery backup FILE\n\n' +
  '  Writes every table of the configured database (embedded or DATABASE_URL) to FILE as plain SQL, from one consistent\n' +
  '  snapshot. While Joinery is serving an embedded folder, the server makes the backup. FILE must not exist yet.\n\n' +
  'joinery restore FILE [--replace]\n\n' +
  '  Migrates the configured database and loads FILE into it, all in one transaction. Refuses a database that already\n' +
  '  holds an ICS unless --replace is given (then everything in it is replaced), and refuses an embedded folder that\n' +
  '  Joinery is serving: stop it first. On another PostgreSQL server, psql can also restore FILE (see its first lines).';

/** `joinery backup FILE`. */
export async function backupCommand(config: Config & DatabaseConfig, args: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) {
    io.err(`Give the file to write the backup to.\n\n${BACKUP_HELP}`);
    return 2;
  }
  const [file] = positionals;
  if (fs.existsSync(file)) {
    io.err(`${file} already exists: choose a new file name, so no earlier backup is overwritten.`);
    return 2;
  }
  const db = await connect(config);
  try {
    const s = await backup(db, file);
    io.out(`Backed up ${s.rows.toLocaleString('en-GB')} rows from ${s.tables} tables (${db.kind}, migration ${s.migration}) to ${file}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `joinery restore FILE [--replace]`. */
export async function restoreCommand(config: Config & DatabaseConfig, args: string[], io: Io): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { replace: { type: 'boolean' } } });
  if (positionals.length !== 1) {
    io.err(`Give the backup file to restore.\n\n${BACKUP_HELP}`);
    return 2;
  }
  const [file] = positionals;
  if (!fs.existsSync(file)) {
    io.err(`No such file: ${file}`);
    return 2;
  }
  const db = await connect(config);
  try {
    await migrate(db);
    if (!values.replace && (await holdsData(db))) {
      io.err(`The ${db.kind === 'pglite' ? `data folder ${config.dataDir}` : 'database'} already holds data. ` +
        'Restore into an empty one, or give --replace to replace everything in it with the backup.');
      return 1;
    }
    const s = await restore(db, file);
    io.out(`Restored ${s.rows.toLocaleString('en-GB')} rows into ${s.tables} tables (${db.kind}, migration ${s.migration}) from ${file}`);
    return 0;
  } catch (e) {
    if (databaseError(e).code === '42501') {
      io.err('Nothing was restored: restoring turns off foreign key checks while it loads, which needs a superuser in DATABASE_URL.');
      return 1;
    }
    if (!(e instanceof RestoreError)) throw e;
    io.err(`Nothing was restored: ${e.message}`);
    return 1;
  } finally {
    await db.close();
  }
}
