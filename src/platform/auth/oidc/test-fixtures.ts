import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/**
 * For the sign-in tests: one person's browser, going through Joinery (by
 * inject) and the stand-in providers (real HTTP) as a browser would, with a
 * cookie jar for each site. Choices at the provider's pages (which demo
 * person, which authenticator, which role) are made by value or by label.
 */
export type ProviderChoices = {
  /** The demo person: CIS2 user id or NHS login subject, as the provider's form offers them. */
  person: string;
  /** Words of the authenticator's label, e.g. "smartcard", "authenticator app", "password". */
  authenticator?: string;
  /** The person_roleid to choose when the provider asks which role. */
  roleId?: string;
};

type Field = { name: string; value: string; kind: 'hidden' | 'text' | 'radio' | 'select' | 'checkbox' | 'submit'; label: string; checked: boolean };

const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag)?.slice(2).find((v) => v !== undefined);
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const text = (html: string) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();

/** The fields of an HTML form, with each radio's and option's label. */
function formFields(form: string): Field[] {
  const fields: Field[] = [];
  for (const m of form.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    const id = attr(tag, 'id');
    const label = id ? text(new RegExp(`<label[^>]*for="${id}"[^>]*>([\\s\\S]*?)</label>`, 'i').exec(form)?.[1] ?? '') : '';
    const kind = (['hidden', 'radio', 'checkbox', 'submit'].includes(type) ? type : 'text') as Field['kind'];
    fields.push({ name, value: decode(attr(tag, 'value') ?? ''), kind, label, checked: /\schecked\b/i.test(tag) });
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
    const name = attr(m[1], 'name');
    if (!name) continue;
    for (const o of m[2].matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)) {
      fields.push({ name, value: decode(attr(o[1], 'value') ?? text(o[2])), kind: 'select', label: text(o[2]), checked: /\sselected\b/i.test(o[1]) });
    }
  }
  for (const m of form.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
    const name = attr(m[1], 'name');
    if (name) fields.push({ name, value: decode(attr(m[1], 'value') ?? ''), kind: 'submit', label: text(m[2]), checked: false });
  }
  return fields;
}

/** Fills a provider's form with the choices: a radio or option whose value is a wanted id, or whose label names the authenticator. */
function fill(fields: Field[], want: ProviderChoices): URLSearchParams {
  const body = new URLSearchParams();
  const groups = new Map<string, Field[]>();
  for (const f of fields) groups.set(f.name, [...(groups.get(f.name) ?? []), f]);
  for (const [name, group] of groups) {
    const first = group[0]!;
    if (first.kind === 'submit') continue;
    if (first.kind === 'hidden' || first.kind === 'text') {
      body.set(name, first.value);
      continue;
    }
    const ids = [want.person, want.roleId].filter(Boolean);
    const chosen = group.find((f) => ids.includes(f.value))
      ?? (want.authenticator ? group.find((f) => `${f.label} ${f.value}`.toLowerCase().includes(want.authenticator!.toLowerCase())) : undefined)
      ?? group.find((f) => f.checked)
      ?? (first.kind === 'checkbox' ? undefined : first);
    if (chosen) body.set(name, chosen.value);
  }
  const submit = fields.find((f) => f.kind === 'submit');
  if (submit) body.set(submit.name, submit.value);
  return body;
}

type Jar = Map<string, string>;

function keep(jar: Jar, setCookies: string[]) {
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    if (!value || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0\b/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export type JoineryAnswer = { statusCode: number; location?: string; body: string };

export class SignInBrowser {
  /** Joinery's cookies. */
  readonly joinery: Jar = new Map();
  private readonly sites = new Map<string, Jar>();
  /** Every page the provider showed, for tests that look at them. */
  readonly providerPages: string[] = [];

  constructor(private app: FastifyInstance, private publicUrl: string) {}

  /** A request to Joinery, as this browser (its cookies sent and kept). */
  async joineryRequest(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<JoineryAnswer> {
    const res = await this.app.inject({
      method, url: url.startsWith(this.publicUrl) ? url.slice(this.publicUrl.length) : url,
      headers: { cookie: cookieHeader(this.joinery), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      payload: form ? new URLSearchParams(form).toString() : undefined,
    });
    const set = res.headers['set-cookie'];
    keep(this.joinery, set === undefined ? [] : [set].flat());
    return { statusCode: res.statusCode, location: res.headers.location as string | undefined, body: res.body };
  }

  /** A request to a provider (real HTTP), not following redirects. */
  private async providerRequest(url: string, form?: URLSearchParams) {
    const site = new URL(url).host;
    const jar = this.sites.get(site) ?? new Map<string, string>();
    this.sites.set(site, jar);
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie: cookieHeader(jar), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form?.toString(),
    });
    keep(jar, res.headers.getSetCookie());
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  /**
   * From a provider URL: follows redirects and fills each form the provider
   * shows, until the provider sends the browser back to Joinery. Returns that
   * URL (the callback, with its code and state) without visiting it.
   */
  async atProvider(url: string, want: ProviderChoices): Promise<string> {
    let next = url;
    let form: URLSearchParams | undefined;
    for (let step = 0; step < 20; step++) {
      if (next.startsWith(this.publicUrl)) return next;
      const res = await this.providerRequest(next, form);
      form = undefined;
      if (res.status >= 300 && res.status < 400 && res.location) {
        next = new URL(res.location, next).href;
        continue;
      }
      expect(res.status, `the provider's page at ${next}:\n${text(res.body).slice(0, 500)}`).toBe(200);
      this.providerPages.push(res.body);
      const tag = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(res.body);
      if (!tag) throw new Error(`The provider showed a page with no form at ${next}: ${text(res.body).slice(0, 300)}`);
      next = new URL(decode(attr(tag[1], 'action') ?? next), next).href;
      form = fill(formFields(tag[2]), want);
    }
    throw new Error('The provider did not send the browser back to Joinery');
  }

  /** The whole journey: Joinery's sign-in link, the provider's pages, and back to Joinery's callback. */
  async signIn(start: string, want: ProviderChoices): Promise<{ callback: string; answer: JoineryAnswer }> {
    const started = await this.joineryRequest('GET', start);
    expect(started.statusCode, started.body.slice(0, 300)).toBe(303);
    const callback = await this.atProvider(started.location!, want);
    return { callback, answer: await this.joineryRequest('GET', callback) };
  }
}

/** What the sign-in failure page says, as a person reads it. */
export const readable = text;
