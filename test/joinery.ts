import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildJoinery } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database, DatabaseKind } from '../src/platform/db/client.js';
import { hashPassword } from '../src/platform/auth/passwords.js';
import { generateIcs, type SynthResult } from '../src/synth/generate.js';
import { freshDatabase } from './database.js';
import { DEMO_PASSWORD } from './http.js';
import type { NhsSignIn } from '../src/platform/auth/oidc/providers.js';

export type TestJoinery = {
  app: FastifyInstance; db: Database; ics: SynthResult; other: SynthResult; close: () => Promise<void>;
  /** With `nhsSignIn: true`: the stand-in CIS2 and NHS login this Joinery signs in with (on free ports). */
  nhsSignIn?: NhsSignIn;
};

let demoHash: Promise<string> | undefined;

/** The day the test ICSs are generated as of: the demo's "today" (next week's review, this year's figures) counts from it. */
export const GENERATED_ON = '2026-11-23';

/**
 * A running Joinery on a fresh database with two small synthetic ICSs: the
 * demo one (sign-ins <role>@demo.joinery.test) and another, for tenancy checks.
 */
export async function startJoinery(
  kind: DatabaseKind, children = 600, env: Record<string, string> = {}, options: { nhsSignIn?: boolean; dataDir?: string } = {},
): Promise<TestJoinery> {
  const db = await freshDatabase(kind);
  demoHash ??= hashPassword(DEMO_PASSWORD);
  const passwordHash = await demoHash;
  const ics = await generateIcs(db, { children, seed: 11, icsName: 'Demo ICS', demoPasswordHash: passwordHash, today: GENERATED_ON });
  const other = await generateIcs(db, {
    children: 200, seed: 12, icsName: 'Other ICS', demoEmailDomain: 'other.joinery.test', demoPasswordHash: passwordHash, today: GENERATED_ON,
  });
  // Joinery's client key and the stand-ins' signing keys go in a folder of this test's own.
  const dataDir = options.dataDir ?? (options.nhsSignIn ? fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-nhs-sign-in-')) : undefined);
  // The stand-ins listen on any free port, so test servers started side by side never clash.
  const config = loadConfig({
    JOINERY_DEMO_PASSWORD: DEMO_PASSWORD, JOINERY_STAND_IN_CIS2_PORT: '0', JOINERY_STAND_IN_NHS_LOGIN_PORT: '0',
    ...(dataDir ? { JOINERY_DATA_DIR: dataDir } : {}), ...env,
  });
  // Loaded only when asked for: the providers' library is large, and most tests sign in with a password.
  const signIn = options.nhsSignIn ? await (await import('../src/cli/nhs-sign-in.js')).startNhsSignIn(db, config) : undefined;
  const app = await buildJoinery({ db, config, nhsSignIn: signIn?.nhsSignIn });
  return {
    app, db, ics, other, nhsSignIn: signIn?.nhsSignIn,
    close: async () => {
      await app.close();
      await signIn?.close();
      await db.close();
      if (dataDir && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
