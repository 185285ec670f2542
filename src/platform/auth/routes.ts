import { z } from 'zod';
import type { RouteModule } from '../http/app.js';
import { createSession, endSession, SESSION_COOKIE } from '../http/session.js';
import { cookieOptions } from '../http/csrf.js';
import { errorSummary, fieldErrors } from '../http/validate.js';
import { signIn } from './service.js';
import { admitSignInAttempt, forgetSignInAttempts, SIGN_IN_LIMITS } from './sign-in-throttle.js';
import { pageAfterSignIn } from './next-page.js';
import { endFamilySession, FAMILY_SESSION_COOKIE } from '../http/family-session.js';
import { providerSignOutUrl } from './oidc/routes.js';

const signInForm = z.object({
  email: z.string().trim().min(1, 'Enter your email address').max(254, 'Email address must be 254 characters or fewer')
    .email('Enter an email address in the correct format, like name@example.nhs.uk'),
  password: z.string().min(1, 'Enter your password').max(200, 'Password must be 200 characters or fewer'),
});

const signInQuery = z.object({
  next: z.string().max(2000).optional(),
  expired: z.string().max(5).optional(),
});

export const authRoutes: RouteModule = (app, deps) => {
  const safeNext = (next: unknown) => pageAfterSignIn(next, deps.config.publicUrl);
  const view = 'platform/auth/views/sign-in.njk';

  app.get('/sign-in', { config: { public: true } }, async (req, reply) => {
    if (req.actor) return reply.redirect('/');
    const q = signInQuery.safeParse(req.query);
    const query = q.success ? q.data : {};
    return reply.page(view, { title: 'Sign in', next: safeNext(query.next), expired: query.expired === '1' });
  });

  app.post('/sign-in', { config: { public: true } }, async (req, reply) => {
    if (!deps.config.passwordSignIn) {
      return reply.code(403).page('platform/auth/views/account-refused.njk', {
        title: 'You cannot use this account', reason: 'This ICS has switched off signing in with an email address and password. Sign in with NHS CIS2 instead.',
      });
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const values = { email: typeof body.email === 'string' ? body.email.slice(0, 254) : '' };
    const parsed = signInForm.safeParse(body);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      return reply.code(400).page(view, { title: 'Sign in', next, values, fields, errors: errorSummary(fields, ['email', 'password']) });
    }
    const email = parsed.data.email.toLowerCase();
    // Counted before the password is checked, so guesses sent together cannot race past the limit.
    if (!(await admitSignInAttempt(deps.db, email, req.ip))) {
      const fields = { email: `Too many attempts to sign in. Wait ${SIGN_IN_LIMITS.windowMinutes} minutes and try again.` };
      return reply.code(429).page(view, { title: 'Sign in', next, values, fields, errors: errorSummary(fields) });
    }
    const who = await signIn(deps.db, email, parsed.data.password);
    if (!who) {
      const fields = { email: 'The email address or password is not right' };
      return reply.code(401).page(view, { title: 'Sign in', next, values, fields, errors: errorSummary(fields) });
    }
    await forgetSignInAttempts(deps.db, email, req.ip);
    if ('refused' in who) return reply.code(403).page('platform/auth/views/account-refused.njk', { title: 'You cannot use this account', reason: who.refused });
    const { token } = await createSession(deps.db, who.icsId, who.professionalId);
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps.config));
    return reply.redirect(next, 303);
  });

  // A family member signed in with NHS login signs out here too (public: no professional session needed; CSRF still checked).
  app.post('/sign-out', { config: { public: true } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    const familyToken = req.cookies[FAMILY_SESSION_COOKIE];
    const ended = token ? await endSession(deps.db, token) : undefined;
    const familyIdToken = familyToken ? await endFamilySession(deps.db, familyToken) : undefined;
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(FAMILY_SESSION_COOKIE, { path: '/' });
    // Signed in at CIS2 or NHS login: end that session too (RP-initiated logout), which comes back to /signed-out.
    const provider = ended?.idToken && ended.method === 'cis2' ? await providerSignOutUrl(deps, 'cis2', ended.idToken)
      : familyIdToken ? await providerSignOutUrl(deps, 'nhs-login', familyIdToken) : null;
    if (provider) return reply.redirect(provider, 303);
    return reply.redirect(ended || !familyToken ? '/sign-in' : '/signed-out', 303);
  });
};
