import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import { connect } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { rows, type Database } from '../platform/db/client.js';
import { ValidationError } from '../platform/http/errors.js';
import { addClient, checkNewClient, parseScopes } from '../fhir/service.js';

export const clientAddFlags = z.object({
  name: z.string({ error: '--name is required' }).trim().min(1, '--name is required').max(100, '--name must be 100 characters or fewer'),
  scopes: z.string({ error: '--scopes is required, e.g. "system/*.rs system/*.cud"' }).refine((s) => {
    try {
      parseScopes(s);
      return true;
    } catch {
      return false;
    }
  }, '--scopes must be SMART system scopes, e.g. "system/*.rs system/Patient.cud"'),
  org: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,10}$/, '--org must be an ODS code, e.g. A81001').optional(),
  ics: z.string().trim().min(1).max(40).optional(),
  jwks: z.string().min(1, '--jwks needs a file').optional(),
  jwksUrl: z.string().min(1, '--jwks-url needs a URL').optional(),
});

/** The JWKS in a file, or the words saying why it cannot be read. */
function readJwksFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    return `--jwks ${file} could not be read as JSON: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** The ICS a command acts in: the one named by code, or the only one there is. */
export async function chooseIcs(db: Database, code: string | undefined): Promise<{ id: string; code: string } | string> {
  const all = await rows<{ id: string; code: string }>(db.owner, sql`SELECT id, code FROM ics ORDER BY code`);
  if (code) return all.find((i) => i.code === code.toUpperCase()) ?? `No ICS has the code ${code}. ICSs: ${all.map((i) => i.code).join(', ') || 'none'}.`;
  if (all.length === 1) return all[0];
  return all.length === 0 ? 'There is no ICS yet: run joinery synth or joinery serve first.' : `There is more than one ICS: give --ics CODE (one of ${all.map((i) => i.code).join(', ')}).`;
}

/** `joinery client add`: registers a FHIR client and prints its id and secret, once, as JSON. */
export async function clientAddCommand(config: Config, flags: z.infer<typeof clientAddFlags>, io: Output): Promise<number> {
  const jwks = flags.jwks === undefined ? undefined : readJwksFile(flags.jwks);
  if (typeof jwks === 'string') {
    io.err(jwks);
    return 2;
  }
  return withIcs(config, flags.ics, io, async (db, ics) => {
    const made = await db.tenant(ics.id, async (tx) => {
      let organisationId: string | null = null;
      if (flags.org) {
        const [org] = await rows<{ id: string }>(tx, sql`SELECT id FROM organisation WHERE ods_code = ${flags.org}`);
        if (!org) return `No organisation in ${ics.code} has the ODS code ${flags.org}.`;
        organisationId = org.id;
      }
      const added = await addClient(tx, ics.id, { name: flags.name, scopes: flags.scopes, organisationId, jwks, jwksUrl: flags.jwksUrl });
      return { ...added, check: await checkNewClient(tx, ics.id, added.clientId, flags.scopes, 'Command line (joinery client add)') };
    }).catch((e: unknown) => {
      if (e instanceof ValidationError) return Object.values(e.fields).join('\n');
      throw e;
    });
    if (typeof made === 'string') {
      io.err(made);
      return 2;
    }
    io.out(JSON.stringify({ client_id: made.clientId, client_secret: made.clientSecret }));
    if (made.check === 'approval') io.err('This client can change records: it gets no access token until an administrator approves it at /admin/duties.');
    return 0;
  });
}

type Output = { out: (l: string) => void; err: (l: string) => void };

/** Opens the configured database, migrates it, and runs fn for the chosen ICS; a wrong --ics is a usage error (2). */
export async function withIcs(
  config: Config, code: string | undefined, io: Output, fn: (db: Database, ics: { id: string; code: string }) => Promise<number>,
): Promise<number> {
  const db = await connect(config);
  try {
    await migrate(db);
    const ics = await chooseIcs(db, code);
    if (typeof ics === 'string') {
      io.err(ics);
      return 2;
    }
    return await fn(db, ics);
  } finally {
    await db.close();
  }
}
