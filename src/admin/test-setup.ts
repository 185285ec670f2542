import type { FastifyInstance } from 'fastify';
import type { SQL } from 'drizzle-orm';
import { rows, type Database, type DatabaseKind } from '../platform/db/client.js';
import { startJoinery } from '../../test/joinery.js';
import { TestClient, DEMO_PASSWORD } from '../../test/http.js';

export const PASSWORD = DEMO_PASSWORD;
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
  signIn: (email?: string) => Promise<TestClient>;
  close: () => Promise<void>;
};

/** Joinery with two small synthetic ICSs (the second proves tenancy), and owner-level queries to check what was saved. */
export async function startAdminTest(kind: DatabaseKind): Promise<AdminTest> {
  const j = await startJoinery(kind, 300);
  const all = <T>(query: SQL) => rows<T>(j.db.owner, query);
  return {
    app: j.app,
    db: j.db,
    icsId: j.ics.icsId,
    otherIcsId: j.other.icsId,
    all,
    one: async <T>(query: SQL) => (await all<T>(query))[0],
    signIn: (email = ADMIN) => TestClient.signIn(j.app, email, PASSWORD),
    close: j.close,
  };
}
