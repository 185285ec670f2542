import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ForbiddenError } from './errors.js';
import { newToken } from './session.js';

export const CSRF_COOKIE = 'joinery_csrf';

/** Cookies are Secure whenever Joinery is reached over https (or in production), whatever Host a request names. */
export function cookieOptions(config: Config) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.production || config.publicUrl.startsWith('https:') };
}

/** Before sign-in there is no session to hold the token: a cookie holds it (double submit). */
export function anonymousCsrfToken(req: FastifyRequest, reply: FastifyReply, config: Config): string {
  const existing = req.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{20,}$/.test(existing)) return existing;
  const token = newToken();
  reply.setCookie(CSRF_COOKIE, token, cookieOptions(config));
  return token;
}

/** Header a script or API client may send the token in instead of a form field. */
export const CSRF_HEADER = 'x-csrf-token';

/** From the form body or the header only: a token in a URL leaks through history, logs and Referer. */
function sent(req: FastifyRequest): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = (body && typeof body === 'object' ? body._csrf : undefined) ?? req.headers[CSRF_HEADER];
  return typeof value === 'string' ? value : '';
}

/** Every state-changing request must carry the token its form was given. */
export function checkCsrf(req: FastifyRequest): void {
  const expected = req.csrfToken;
  const given = sent(req);
  const ok =
    expected.length > 0 &&
    given.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) throw new ForbiddenError('This form has expired or was not sent from Joinery. Go back, reload the page and try again.');
}
