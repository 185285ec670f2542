import type { FastifyInstance } from 'fastify';

/**
 * For tests: a fresh browser at one address opens the sign-in page (with
 * `next` in its query, as a redirect to sign in leaves it) and submits the
 * form with its CSRF token and the `next` the page handed on.
 */
export async function signInFrom(app: FastifyInstance, who: { address?: string; email: string; password: string; next?: string; headers?: Record<string, string> }) {
  const remoteAddress = who.address ?? '127.0.0.1';
  const query = who.next === undefined ? '' : `?${new URLSearchParams({ next: who.next })}`;
  const form = await app.inject({ method: 'GET', url: `/sign-in${query}`, remoteAddress, headers: who.headers });
  const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const field = (name: string) => /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(form.body)?.[0] ?? '')?.[1];
  const fields: Record<string, string> = { email: who.email, password: who.password, _csrf: field('_csrf') ?? '' };
  if (who.next !== undefined) fields.next = who.next;
  const res = await app.inject({
    method: 'POST', url: '/sign-in', remoteAddress,
    headers: { ...who.headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  return { form, res };
}
