import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../platform/http/app.js';
import { grantToken, issueToken } from './clients.js';
import { ASSERTION_TYPE, verifyAssertion } from './client-keys.js';

/** Client credentials from HTTP Basic (client_secret_basic) or the form (client_secret_post). */
function credentials(req: FastifyRequest, form: Record<string, unknown>): { id: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (m) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.client_id;
  const secret = form.client_secret;
  return typeof id === 'string' && typeof secret === 'string' ? { id, secret } : null;
}

/**
 * POST /oauth/token: the OAuth 2.0 client credentials grant (RFC 6749 §4.4)
 * for SMART backend services, with a secret or a signed JWT assertion
 * (private_key_jwt). Errors are RFC 6749's JSON, never a page.
 */
export async function oauthRoutes(app: FastifyInstance, deps: AppDeps) {
  app.post('/oauth/token', { config: { public: true, tokenAuth: true } }, async (req, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (form.grant_type !== 'client_credentials') {
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'Only grant_type=client_credentials is supported.' });
    }
    const scope = typeof form.scope === 'string' ? form.scope : undefined;
    // SMART Backend Services: the client proves itself with a JWT signed by its private key.
    if (form.client_assertion_type !== undefined || form.client_assertion !== undefined) {
      if (form.client_assertion_type !== ASSERTION_TYPE || typeof form.client_assertion !== 'string') {
        return reply.code(400).send({ error: 'invalid_request', error_description: `Send client_assertion_type=${ASSERTION_TYPE} with a client_assertion.` });
      }
      const verified = await verifyAssertion(deps.db, form.client_assertion, `${deps.config.publicUrl}/oauth/token`);
      const result = 'error' in verified ? verified : await grantToken(deps.db, verified, scope);
      if ('error' in result) return reply.code(result.error === 'invalid_client' ? 401 : 400).send({ error: result.error, error_description: result.description });
      return reply.send(result);
    }
    let creds: { id: string; secret: string } | null;
    try {
      creds = credentials(req, form);
    } catch {
      creds = null;
    }
    if (!creds) {
      return reply.code(401).header('www-authenticate', 'Basic realm="joinery"')
        .send({ error: 'invalid_client', error_description: 'Send client_id and client_secret (form or HTTP Basic).' });
    }
    const result = await issueToken(deps.db, creds.id, creds.secret, scope);
    if ('error' in result) {
      return reply.code(result.error === 'invalid_client' ? 401 : 400).send({ error: result.error, error_description: result.description });
    }
    return reply.send(result);
  });
}
