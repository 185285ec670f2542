import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export const DEMO_PASSWORD = 'correct-horse-battery';

/**
 * A browser over app.inject: it keeps cookies and the CSRF token of the last
 * page it saw, as a browser's form would.
 */
export class TestClient {
  private readonly cookies = new Map<string, string>();
  /** The `_csrf` value of the last page's forms (every signed-in page has one: sign-out). */
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  static anonymous(app: FastifyInstance): TestClient {
    return new TestClient(app);
  }

  static signIn(app: FastifyInstance, email: string, password = DEMO_PASSWORD): Promise<TestClient> {
    return new TestClient(app).signIn(email, password);
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<this> {
    await this.get('/sign-in');
    const res = await this.post('/sign-in', { email, password });
    if (res.statusCode !== 303) throw new Error(`signing in as ${email} answered ${res.statusCode}`);
    // The sign-in page's token was the anonymous one; a signed-in page carries the session's.
    await this.get('/');
    return this;
  }

  /** Carries a session cookie made outside a sign-in (a family session created directly, say). */
  withCookie(name: string, value: string): this {
    this.cookies.set(name, value);
    return this;
  }

  get signedIn(): boolean {
    return this.cookies.has('joinery_session');
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) {
      const expired = c.value === '' || (c.expires !== undefined && new Date(c.expires).getTime() <= Date.now()) || c.maxAge === 0;
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (token) this.csrf = token[1];
    return res;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** Posts a form; adds the page's `_csrf` unless `csrf: null` (leave it out) or a value is given. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null && !('_csrf' in form)) body.append('_csrf', csrf);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  /** Sends any body with any content type (the CSRF token rides in its header), to probe odd clients. */
  async postRaw(url: string, payload: string, contentType: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST', url, headers: { cookie: this.cookieHeader, 'content-type': contentType, 'x-csrf-token': this.csrf }, payload,
      }),
    );
  }
}

/** The text of an HTML page without tags, spaces collapsed: for asserting what a user reads. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
