import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildJoinery } from '../../../app.js';
import { freshDatabase } from '../../../../test/database.js';
import type { Database } from '../../db/client.js';
import { loadConfig } from '../../config.js';
import { demoClientKey } from './client-key.js';
import { providerConfiguration, type NhsSignIn } from './providers.js';

/** The sources a response's CSP allows forms (and the redirects after them) to go to. */
const formAction = (header: unknown) =>
  String(header).split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'form-action')!.slice(1);

/**
 * Sign-out posts a form whose answer sends the browser to the provider's
 * end-session page; browsers hold that redirect to the page's form-action.
 * With a live CIS2 and NHS login configured (not the demo's stand-ins), their
 * origins must be allowed, including an end-session endpoint on another host.
 */
describe('sign-out to a configured CIS2 and NHS login is allowed by every page’s form-action', () => {
  let db: Database;
  let app: FastifyInstance;
  let metadata: http.Server;
  let dataDir: string;
  let sign: NhsSignIn;
  const CIS2_ISSUER = 'https://am.nhsidentity.example.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
  let loginIssuer: string;
  let logoutOrigin: string;

  beforeAll(async () => {
    // A provider whose metadata puts its end-session page on another origin (another port of localhost).
    metadata = http.createServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        issuer: loginIssuer, authorization_endpoint: `${loginIssuer}/authorize`, token_endpoint: `${loginIssuer}/token`, jwks_uri: `${loginIssuer}/jwks`,
        end_session_endpoint: `${logoutOrigin}/logout`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
      }));
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    loginIssuer = `http://127.0.0.1:${(metadata.address() as net.AddressInfo).port}`;
    logoutOrigin = 'http://localhost:9';
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-sign-out-targets-'));
    const key = await demoClientKey(dataDir);
    sign = {
      cis2: { name: 'cis2', issuer: CIS2_ISSUER, clientId: 'joinery-ics', key },
      nhsLogin: { name: 'nhs-login', issuer: loginIssuer, clientId: 'joinery-ics', key },
    };
    db = await freshDatabase('pglite');
    app = await buildJoinery({ db, config: loadConfig({}), nhsSignIn: sign });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await new Promise((resolve) => metadata?.close(resolve));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names each configured issuer’s origin, and a provider’s end-session origin once its metadata is read', async () => {
    const before = formAction((await app.inject({ method: 'GET', url: '/sign-in' })).headers['content-security-policy']);
    expect(before).toEqual(["'self'", 'https://am.nhsidentity.example.nhs.uk', loginIssuer]);
    await providerConfiguration(sign.nhsLogin!);
    for (const url of ['/sign-in', '/signed-out', '/no-such-page']) {
      const after = formAction((await app.inject({ method: 'GET', url })).headers['content-security-policy']);
      expect(after, url).toEqual(["'self'", 'https://am.nhsidentity.example.nhs.uk', loginIssuer, logoutOrigin]);
    }
  });
});
