import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/client.js';
import type { Actor } from '../access/actor.js';
import { createViews, NHSUK_DIR, SRC_DIR } from './views.js';
import { loadSession, SESSION_COOKIE } from './session.js';
import { FAMILY_SESSION_COOKIE, loadFamilySession, type FamilyMember } from './family-session.js';
import { NO_NHS_SIGN_IN, signOutTargets, type NhsSignIn } from '../auth/oidc/providers.js';
import { checkCsrf, anonymousCsrfToken } from './csrf.js';
import { handleError, renderNotFound } from './error-pages.js';
import { navigationFor } from './navigation.js';
import { newCspNonce, setSecurityHeaders } from './security-headers.js';
import { answerWhileGettingReady, GETTING_READY_URL, type GettingReady } from './getting-ready.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** A family member signed in with NHS login (never also a professional). */
    family: FamilyMember | null;
    csrfToken: string;
    sessionExpired: boolean;
    /** This response's Content-Security-Policy nonce, for the layout's inline script and style blocks. */
    cspNonce: string;
    /** Under a token-authenticated API scope (see tokenAuthScope): routed or not, it is never a page. */
    inTokenAuthScope: boolean;
  }
  interface FastifyReply {
    page(template: string, context?: Record<string, unknown>): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
    /** Authenticated by a bearer token or client credentials, never a session cookie: no form CSRF check. */
    tokenAuth?: boolean;
  }
}

/**
 * nhsSignIn: the CIS2 and NHS login providers, when configured or started (the demo's stand-ins); none otherwise.
 * gettingReady: data still being made after the server started listening (the demo ICS at first start).
 */
export type AppDeps = { db: Database; config: Config; nhsSignIn?: NhsSignIn; gettingReady?: GettingReady };

/** Where nhsuk-frontend's stylesheet, script and images are served from. */
const ASSET_PREFIX = '/assets/';

const registeredRoutes = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every route the app serves (method and URL pattern): the bad-input tests walk them all. */
export function routesOf(app: FastifyInstance) {
  return registeredRoutes.get(app) ?? [];
}
export type RouteModule = (app: FastifyInstance, deps: AppDeps) => void | Promise<void>;

/**
 * Marks a plugin scope as an API whose clients authenticate with bearer
 * tokens. Every URL under its prefix counts as public and token-authenticated,
 * including those no route matches, so that the scope's own not-found and
 * error handlers answer in the API's format instead of the sign-in redirect
 * meant for pages (a 302 to HTML is meaningless to a FHIR client).
 */
export function tokenAuthScope(scope: FastifyInstance) {
  scope.addHook('onRequest', async (req) => {
    req.inTokenAuthScope = true;
  });
}

/** The signed-in actor, or an error that the error handler turns into a redirect to sign in. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Error('route reached without a signed-in actor');
  return req.actor;
}

/**
 * Runs fn in one tenant transaction for the signed-in actor. A refusal of a
 * child's data (the door's RefusedAccess, platform/access/door.ts) is
 * audited in that transaction and kept, while the rest of what fn wrote is
 * rolled back (platform/db/client.ts).
 */
export async function inTenant<T>(deps: AppDeps, req: FastifyRequest, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const actor = actorOf(req);
  return deps.db.tenant(actor.icsId, (tx) => fn(tx, actor));
}

// nhsuk-frontend's CSS loads its font from a CDN we cannot reach; drop those rules and use the fallback font.
function localCss(): string {
  const css = fs.readFileSync(path.join(NHSUK_DIR, 'dist/nhsuk/nhsuk-frontend.min.css'), 'utf8');
  // A paragraph holding one long unbroken string (a letter's one-time feedback address, a long word typed into a
  // referral) wraps it rather than pushing the page sideways at phone width (WCAG reflow).
  return `${css.replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, '')}\n.nhsuk-main-wrapper p{overflow-wrap:break-word}`;
}

export async function buildApp(deps: AppDeps, routes: RouteModule[]): Promise<FastifyInstance> {
  const { config, db } = deps;
  const app = Fastify({
    logger: config.production ? { level: 'info', redact: ['req.headers.cookie'] } : false,
    // No line per request: at info level that was most of a busy server's work after the database, and a URL can
    // carry an NHS number (Patient?identifier=…). Failures are still logged, by route pattern (error-pages.ts, the FHIR error handler).
    logController: new LogController({ disableRequestLogging: true }),
    // X-Forwarded-* is believed only from the configured proxies (none by default): it sets req.ip, which sign-in throttling counts by.
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    bodyLimit: 1024 * 1024,
  });
  const routeList: { method: string; url: string }[] = [];
  registeredRoutes.set(app, routeList);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeList.push({ method, url: r.url });
  });
  const views = createViews();
  const css = localCss();

  await app.register(formbody);
  await app.register(cookie);
  await app.register(fastifyStatic, {
    root: path.join(NHSUK_DIR, 'dist/nhsuk/assets'),
    prefix: ASSET_PREFIX,
    decorateReply: false,
  });
  app.get(`${ASSET_PREFIX}nhsuk-frontend.min.css`, { config: { public: true } }, (_req, reply) => {
    reply.type('text/css').header('cache-control', 'public, max-age=3600').send(css);
  });
  app.get(`${ASSET_PREFIX}nhsuk-frontend.min.js`, { config: { public: true } }, (_req, reply) => {
    reply.type('text/javascript').send(fs.createReadStream(path.join(NHSUK_DIR, 'dist/nhsuk/nhsuk-frontend.min.js')));
  });
  app.get(`${ASSET_PREFIX}start-nhsuk-frontend.js`, { config: { public: true } }, (_req, reply) => {
    reply.type('text/javascript').send(fs.createReadStream(path.join(SRC_DIR, 'platform/http/assets/start-nhsuk-frontend.js')));
  });
  app.get(`${ASSET_PREFIX}getting-ready.js`, { config: { public: true } }, (_req, reply) => {
    reply.type('text/javascript').send(fs.createReadStream(path.join(SRC_DIR, 'platform/http/assets/getting-ready.js')));
  });
  // Asked while the data is being made (the hook below answers that); once ready, it says so.
  app.get(GETTING_READY_URL, { config: { public: true } }, (_req, reply) => reply.send(deps.gettingReady?.status() ?? { ready: true }));

  app.decorateRequest('actor', null);
  app.decorateRequest('family', null);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('sessionExpired', false);
  app.decorateRequest('cspNonce', '');
  app.decorateRequest('inTokenAuthScope', false);
  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const req = this.request;
    const html = views.render(template, {
      actor: req.actor,
      family: req.family,
      passwordSignIn: config.passwordSignIn,
      nhsSignIn: { cis2: Boolean((deps.nhsSignIn ?? NO_NHS_SIGN_IN).cis2), nhsLogin: Boolean((deps.nhsSignIn ?? NO_NHS_SIGN_IN).nhsLogin) },
      csrfToken: req.csrfToken,
      cspNonce: req.cspNonce,
      navigation: navigationFor(req.actor, req.url),
      ...context,
    });
    return this.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  app.addHook('onRequest', async (req, reply) => {
    req.cspNonce = newCspNonce();
    // Signing out of CIS2 or NHS login is a form whose answer redirects to the provider: its origins must be form targets.
    setSecurityHeaders(reply, config, req.cspNonce, signOutTargets(deps.nhsSignIn));
    // Stylesheets, scripts and icons need no one signed in: no session look-up (a transaction) for each of a page's assets.
    if (req.url.startsWith(ASSET_PREFIX)) return;
    if (deps.gettingReady && !deps.gettingReady.ready) {
      return answerWhileGettingReady(deps.gettingReady, req, reply, (context) => views.render('platform/http/views/getting-ready.njk', {
        cspNonce: req.cspNonce, navigation: [], ...context,
      }));
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const session = await loadSession(db, token, { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours });
      if (session && 'actor' in session) {
        req.actor = session.actor;
        req.csrfToken = session.csrfToken;
      } else {
        req.sessionExpired = session !== null;
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    const familyToken = req.cookies[FAMILY_SESSION_COOKIE];
    if (familyToken && !req.actor) {
      const family = await loadFamilySession(db, familyToken, { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours });
      if (family) {
        req.family = family.family;
        req.csrfToken = family.csrfToken;
      } else {
        reply.clearCookie(FAMILY_SESSION_COOKIE, { path: '/' });
      }
    }
    if (!req.actor && !req.family) req.csrfToken = anonymousCsrfToken(req, reply, config);
  });

  app.addHook('preHandler', async (req, reply) => {
    const config = req.routeOptions.config;
    if (!req.actor && !config?.public && !req.inTokenAuthScope) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      const expired = req.sessionExpired ? (next ? '&' : '?') + 'expired=1' : '';
      return reply.redirect(`/sign-in${next}${expired}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !config?.tokenAuth && !req.inTokenAuthScope) checkCsrf(req);
  });

  app.setErrorHandler((error, req, reply) => handleError(error as Error, req, reply));
  app.setNotFoundHandler((req, reply) => renderNotFound(req, reply));

  for (const register of routes) await register(app, deps);
  return app;
}
