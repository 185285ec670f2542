import type { Config } from '../platform/config.js';
import { connect, type DatabaseConfig } from '../platform/db/connect.js';
import { distribute, NotCitus } from '../platform/db/distribute.js';
import type { Output } from './output.js';

export const DISTRIBUTE_HELP =
  'joinery distribute\n\n' +
  '  On a Citus coordinator (DATABASE_URL), after joinery migrate: distributes every tenant table by ics_id, colocated\n' +
  '  with child (sessions among them), and makes ics, place, organisation, professional and the sign-in directory\n' +
  '  reference tables (in one transaction: the foreign keys are dropped, the tables placed, and the keys added back).\n' +
  '  Lets joinery_app log in, so the coordinator can reach\n' +
  '  the workers as the app. Running it again changes nothing. Refused, changing nothing, on plain PostgreSQL or PGlite.\n' +
  '  Exits 1 when refused.';

/** `joinery distribute`: places the tables on the Citus cluster and says what it did. */
export async function distributeCommand(config: Config & DatabaseConfig, args: string[], io: Output): Promise<number> {
  if (args.length) {
    io.err(`joinery distribute takes no arguments.\n\n${DISTRIBUTE_HELP}`);
    return 2;
  }
  const db = await connect(config);
  try {
    const done = await distribute(db);
    const changed = done.distributed.length + done.reference.length > 0 || done.appRoleLogin;
    io.out(`Citus ${done.citusVersion}, ${done.workers} worker${done.workers === 1 ? '' : 's'}: ${done.tenantTables} tables distributed by ics_id, ${done.referenceTables} reference tables.`);
    if (!changed) {
      io.out('Already distributed: nothing changed.');
      return 0;
    }
    if (done.distributed.length) io.out(`Distributed now: ${done.distributed.join(', ')}.`);
    if (done.reference.length) io.out(`Reference tables now: ${done.reference.join(', ')}.`);
    if (done.foreignKeysReAdded) io.out(`${done.foreignKeysReAdded} foreign keys dropped while placing the tables and added back (every row checked).`);
    if (done.appRoleLogin) io.out('joinery_app may now log in (on every node), so the coordinator reaches the workers as the app.');
    return 0;
  } catch (error) {
    if (!(error instanceof NotCitus)) throw error;
    io.err(error.message);
    return 1;
  } finally {
    await db.close();
  }
}
