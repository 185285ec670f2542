import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { DEMO_PASSWORD } from '../../../test/http.js';
import { loadConfig } from '../config.js';
import { pageAfterSignIn } from './next-page.js';
import { signInFrom } from './test-sign-in.js';

/**
 * After signing in, Joinery sends the user on to `next`: it must always be a
 * page of Joinery itself. Checked as a browser would read the Location header:
 * browsers drop tabs and newlines from a URL and read a backslash as a slash.
 */
const PUBLIC_URL = loadConfig({}).publicUrl;

function expectSameOriginPath(location: string) {
  expect(location.startsWith('/')).toBe(true);
  expect(location.startsWith('//')).toBe(false);
  expect(location).not.toMatch(/[\\\s]/);
  const asBrowserReadsIt = location.replace(/[\t\n\r]/g, '').replace(/\\/g, '/');
  expect(new URL(asBrowserReadsIt, PUBLIC_URL).origin).toBe(PUBLIC_URL);
}

/** Strings that try to leave the site, and the characters browsers rewrite. */
const TRICKS = [
  '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '/\\evil.example', '\\\\evil.example', '//evil.example',
  '///evil.example', 'https://evil.example', '/%09/evil.example', '/%2F%2Fevil.example', '/\u0000/evil.example',
  '/\u007f/evil.example', '/\u0085/evil.example', '/\u2028/evil.example', '/\uff0f\uff0fevil.example', ' /evil', '/@evil.example',
  'javascript:alert(1)', '/children?q=smith#top', '/../..//evil.example', '/.\t./evil', '/%00', '/\ud800', '/é',
];
const PIECES = ['/', '\\', '\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u3000', '\uff0f', '%', '%2f', '%09',
  '@', ':', '.', '..', '?', '#', 'evil.example', 'http:', '\ud83d\ude00', '\udc00', '"', '<', '>', "'"];

describe('where sign-in sends someone next (the rule itself)', () => {
  it('the review’s examples go home; Joinery’s own pages are kept', () => {
    expect(pageAfterSignIn('/\t/evil.example', PUBLIC_URL)).toBe('/');
    expect(pageAfterSignIn('/\u0001/evil.example', PUBLIC_URL)).toBe('/');
    expect(pageAfterSignIn('/\\evil.example', PUBLIC_URL)).toBe('/');
    expect(pageAfterSignIn('//evil.example', PUBLIC_URL)).toBe('/');
    expect(pageAfterSignIn('https://evil.example/', PUBLIC_URL)).toBe('/');
    expect(pageAfterSignIn('/children?q=smith', PUBLIC_URL)).toBe('/children?q=smith');
    expect(pageAfterSignIn('/record/9990000018#letters', PUBLIC_URL)).toBe('/record/9990000018#letters');
  });

  it('property: for any string, the answer is a path on Joinery itself or home', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.array(fc.constantFrom(...PIECES, ...TRICKS), { maxLength: 8 }).map((parts) => parts.join('')),
      fc.webUrl().map((u) => u.replace(/^https?:/, '')),
    );
    fc.assert(fc.property(anyText, (next) => expectSameOriginPath(pageAfterSignIn(next, PUBLIC_URL))), { numRuns: 1000 });
  });
});

/** A fresh browser signs in with `next` carried through the form, as the sign-in page hands it on. */
async function signInWithNext(app: FastifyInstance, next: string) {
  const { form, res } = await signInFrom(app, { email: 'paediatrician@demo.joinery.test', password: DEMO_PASSWORD, next });
  expect(form.statusCode).toBe(200);
  return { form, res };
}

/** A small seeded generator, so a failing fuzz case can be replayed. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

function mutate(input: string, pick: (n: number) => number): string {
  let out = input;
  for (let i = 0, edits = 1 + pick(4); i < edits; i++) {
    const at = pick(out.length + 1);
    const choice = pick(4);
    if (choice === 0) out = out.slice(0, at) + PIECES[pick(PIECES.length)] + out.slice(at);
    else if (choice === 1) out = out.slice(0, at) + out.slice(at + 1 + pick(3));
    else if (choice === 2) out = out.slice(0, at) + String.fromCodePoint(pick(0x110000)).slice(0, 1 + pick(2)) + out.slice(at);
    else out = out.slice(0, at) + TRICKS[pick(TRICKS.length)] + out.slice(at);
  }
  return out;
}

describe('signing in with a `next` page (through the app)', () => {
  let j: TestJoinery;
  beforeAll(async () => {
    j = await startJoinery('pglite', 100);
  });
  afterAll(() => j?.close());

  it('the review’s example: a tab in next sends the paediatrician home, not to evil.example', async () => {
    const { res } = await signInWithNext(j.app, '/\t/evil.example');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('a control character in next is not a server error after the password check', async () => {
    const { res } = await signInWithNext(j.app, '/children\u0001');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('fuzz: mutated redirect tricks never give a server error and never leave Joinery', async () => {
    const pick = seeded(20261206);
    for (let i = 0; i < 100; i++) {
      const next = mutate(TRICKS[pick(TRICKS.length)]!, pick);
      const { form, res } = await signInWithNext(j.app, next);
      expect(form.statusCode, `sign-in page for ${JSON.stringify(next)}`).toBe(200);
      expect(res.statusCode, `sign-in with ${JSON.stringify(next)}`).toBe(303);
      expectSameOriginPath(String(res.headers.location));
    }
  });

  it('property: for any next, signing in redirects to a path on Joinery or home, never a server error', async () => {
    const anyNext = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join('')));
    await fc.assert(
      fc.asyncProperty(anyNext, async (next) => {
        const { res } = await signInWithNext(j.app, next);
        expect(res.statusCode).toBe(303);
        expectSameOriginPath(String(res.headers.location));
      }),
      { numRuns: 60 },
    );
  });
});
