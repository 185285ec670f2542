import net, { type AddressInfo } from 'node:net';
import { sql, type SQL } from 'drizzle-orm';
import { Client } from 'fhir-kit-client';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { rows, type DatabaseKind } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { addClient } from './clients.js';

export type FhirTest = {
  j: TestJoinery;
  /** The FHIR base URL of the app listening on a localhost port. */
  base: string;
  origin: string;
  /** Registers a client in the demo ICS (or another) and returns its credentials. */
  register: (opts?: { scopes?: string; odsCode?: string; icsId?: string; name?: string }) => Promise<{ clientId: string; clientSecret: string }>;
  /** A token for a newly registered client. */
  token: (opts?: { scopes?: string; odsCode?: string; icsId?: string }) => Promise<string>;
  /** A token for a client already registered: for a test that names the client its audit rows must show. */
  tokenFor: (credentials: { clientId: string; clientSecret: string }) => Promise<string>;
  /** fhir-kit-client, a real FHIR client library, with a bearer token. */
  client: (token: string) => Client;
  one: <T>(query: SQL) => Promise<T>;
  all: <T>(query: SQL) => Promise<T[]>;
  close: () => Promise<void>;
};

let clients = 0;

/** A localhost port nothing is listening on, so the app's public URL can name it before it listens. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Joinery with two small synthetic ICSs, listening on a localhost port for a real FHIR client. */
export async function startFhirTest(kind: DatabaseKind, children = 300): Promise<FhirTest> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const j = await startJoinery(kind, children, { JOINERY_PUBLIC_URL: origin });
  await j.app.listen({ port, host: '127.0.0.1' });
  const base = `${origin}/fhir/R4`;
  const all = <T>(query: SQL) => rows<T>(j.db.owner, query);
  const register: FhirTest['register'] = async (opts = {}) => {
    const icsId = opts.icsId ?? j.ics.icsId;
    return j.db.tenant(icsId, async (tx) => {
      const [org] = opts.odsCode ? await rows<{ id: string }>(tx, sql`SELECT id FROM organisation WHERE ods_code = ${opts.odsCode}`) : [];
      const made = await addClient(tx, icsId, { name: opts.name ?? `Test client ${++clients}`, scopes: opts.scopes ?? 'system/*.cruds', organisationId: org?.id ?? null });
      return { clientId: made.clientId, clientSecret: made.clientSecret! };
    });
  };
  const tokenFor: FhirTest['tokenFor'] = async ({ clientId, clientSecret }) => {
    const res = await fetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const token: FhirTest['token'] = async (opts = {}) => tokenFor(await register(opts));
  return {
    j, base, origin, register, token, tokenFor,
    client: (t) => new Client({ baseUrl: base, bearerToken: t }),
    one: async <T>(query: SQL) => (await all<T>(query))[0],
    all,
    close: () => j.close(),
  };
}

/** What fhir-kit-client throws for a non-2xx answer: the status and the OperationOutcome. */
export async function refusal(p: Promise<unknown>): Promise<{ status: number; outcome: OperationOutcome }> {
  try {
    await p;
  } catch (e) {
    const err = e as { response?: { status: number; data: OperationOutcome } };
    if (err.response) return { status: err.response.status, outcome: err.response.data };
    throw e;
  }
  throw new Error('expected a refusal');
}

/** A FHIR answer as a test reads it: the status, the headers and the parsed body. */
export type FhirAnswer = { status: number; headers: Headers; body: (Resource & Record<string, unknown>) | null };

/**
 * Plain HTTP against the FHIR base (or an absolute next link), with a bearer
 * token: for what a FHIR client library hides (status, headers, criteria on PUT).
 */
export async function fhirCall(t: FhirTest, token: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<FhirAnswer> {
  const res = await fetch(path.startsWith('http') ? path : `${t.base}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(opts.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
