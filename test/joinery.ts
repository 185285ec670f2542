import type { FastifyInstance } from 'fastify';
import { buildJoinery } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database, DatabaseKind } from '../src/platform/db/client.js';
import { hashPassword } from '../src/platform/auth/passwords.js';
import { generateIcs, type SynthResult } from '../src/synth/generate.js';
import { freshDatabase } from './database.js';
import { DEMO_PASSWORD } from './http.js';

export type TestJoinery = { app: FastifyInstance; db: Database; ics: SynthResult; other: SynthResult; close: () => Promise<void> };

let demoHash: Promise<string> | undefined;

/**
 * A running Joinery on a fresh database with two small synthetic ICSs: the
 * demo one (sign-ins <role>@demo.joinery.test) and another, for tenancy checks.
 */
export async function startJoinery(kind: DatabaseKind, children = 600, env: Record<string, string> = {}): Promise<TestJoinery> {
  const db = await freshDatabase(kind);
  demoHash ??= hashPassword(DEMO_PASSWORD);
  const passwordHash = await demoHash;
  const ics = await generateIcs(db, { children, seed: 11, icsName: 'Demo ICS', demoPasswordHash: passwordHash, today: '2026-11-23' });
  const other = await generateIcs(db, {
    children: 200, seed: 12, icsName: 'Other ICS', demoEmailDomain: 'other.joinery.test', demoPasswordHash: passwordHash, today: '2026-11-23',
  });
  const config = loadConfig({ JOINERY_DEMO_PASSWORD: DEMO_PASSWORD, ...env });
  const app = await buildJoinery({ db, config });
  return {
    app, db, ics, other,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
