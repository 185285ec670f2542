import type { FastifyInstance } from 'fastify';
import type { SQL } from 'drizzle-orm';
import { buildJoinery } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { rows, type Database, type DatabaseKind } from '../platform/db/client.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { generateIcs } from '../synth/generate.js';
import { freshDatabase } from '../../test/database.js';
import { Session } from './test-session.js';

export const PASSWORD = 'correct-horse-battery';
export const ADMIN = 'admin@demo.joinery.test';
export const GP = 'gp@demo.joinery.test';

export type AdminTest = {
  app: FastifyInstance;
  db: Database;
  icsId: string;
  otherIcsId: string;
  /** The first row of a query run as the database owner (no row-level security): for checking what was saved. */
  one: <T>(query: SQL) => Promise<T>;
  all: <T>(query: SQL) => Promise<T[]>;
  signIn: (email?: string) => Promise<Session>;
  close: () => Promise<void>;
};

/** Joinery on a fresh database with a small synthetic ICS and a second one, to prove tenancy. */
export async function startAdminTest(kind: DatabaseKind): Promise<AdminTest> {
  const db = await freshDatabase(kind);
  const demoPasswordHash = await hashPassword(PASSWORD);
  const ics = await generateIcs(db, { children: 300, seed: 7, icsName: 'Test ICS', demoPasswordHash, today: '2026-11-23' });
  const other = await generateIcs(db, {
    children: 100, seed: 8, icsName: 'Other ICS', demoEmailDomain: 'other.joinery.test', demoPasswordHash, today: '2026-11-23',
  });
  const app = await buildJoinery({ db, config: loadConfig({ JOINERY_DEMO_PASSWORD: PASSWORD }) });
  const all = <T>(query: SQL) => rows<T>(db.owner, query);
  return {
    app,
    db,
    icsId: ics.icsId,
    otherIcsId: other.icsId,
    all,
    one: async <T>(query: SQL) => (await all<T>(query))[0],
    signIn: (email = ADMIN) => Session.signIn(app, email, PASSWORD),
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
