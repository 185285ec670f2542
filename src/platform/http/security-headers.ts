import crypto from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.js';

/**
 * The browser-side protections every response carries.
 *
 * Content-Security-Policy allows exactly what the pages use: nhsuk-frontend's
 * stylesheet, script and images from Joinery itself, and the one inline
 * script and style blocks the layout and charts write, by a nonce fresh for
 * each response. Charts are SVG drawn on the server, so nothing else runs.
 * Nothing may frame Joinery, and forms post only to Joinery.
 *
 * Strict-Transport-Security is sent when the configured public URL is https:
 * a browser ignores it over plain http, and a localhost demo must stay
 * reachable over http.
 */
export const newCspNonce = () => crypto.randomBytes(16).toString('base64');

/**
 * formTargets: origins a form may lead to besides Joinery. Sign-out is a form
 * that ends in the NHS sign-in provider's end-session page, and browsers hold
 * every redirect after a form to form-action.
 */
export function contentSecurityPolicy(nonce: string, formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** None of these browser features is needed by any page. */
const PERMISSIONS_POLICY = [
  'accelerometer', 'autoplay', 'camera', 'display-capture', 'encrypted-media', 'fullscreen', 'geolocation', 'gyroscope',
  'magnetometer', 'microphone', 'midi', 'payment', 'picture-in-picture', 'publickey-credentials-get', 'screen-wake-lock',
  'serial', 'usb', 'xr-spatial-tracking',
].map((feature) => `${feature}=()`).join(', ');

const HSTS_SECONDS = 365 * 24 * 60 * 60;

export function setSecurityHeaders(reply: FastifyReply, config: Config, nonce: string, formTargets: readonly string[] = []): void {
  reply
    .header('content-security-policy', contentSecurityPolicy(nonce, formTargets))
    .header('permissions-policy', PERMISSIONS_POLICY)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cross-origin-opener-policy', 'same-origin');
  if (config.publicUrl.startsWith('https:')) reply.header('strict-transport-security', `max-age=${HSTS_SECONDS}; includeSubDomains`);
}
