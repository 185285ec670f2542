import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A browser-like client for app.inject: keeps cookies and the page's CSRF token. */
export class TestClient {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && new Date(c.expires).getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /_csrf=([A-Za-z0-9_-]+)/.exec(res.body);
    if (token) this.csrf = token[1];
    return res;
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** Posts a form as a browser would, with the CSRF token from the last page unless one is given. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null && !('_csrf' in form)) body.append('_csrf', csrf);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  async signIn(email: string, password: string) {
    await this.get('/sign-in');
    const res = await this.post('/sign-in', { email, password });
    if (res.statusCode !== 303) throw new Error(`sign-in as ${email} failed: ${res.statusCode}`);
    await this.get('/');
    return this;
  }
}

export const DEMO_PASSWORD = 'correct-horse-battery';
