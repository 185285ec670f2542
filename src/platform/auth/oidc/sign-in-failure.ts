import * as client from 'openid-client';
import type { ProviderName } from './providers.js';

/**
 * Why a sign-in at CIS2 or NHS login did not let someone in. Each has a
 * status, words for the person, and a code for the log. The log line names
 * the provider and the reason only: never a name, NHS number, user id or token.
 */
export type SignInFailure = {
  status: 400 | 403 | 502;
  reason: string;
  /** What happened, in plain words. */
  words: string;
  /** Who can help, or what to do next. */
  ask: string;
  /** openid-client's error code, or the claim at fault: for the log, never personal data. */
  detail?: string;
};

const TRY_AGAIN = 'Go back to the sign-in page and start again. If it keeps happening, tell your IT service desk the time it happened.';
const ADMINISTRATOR = 'Ask your ICS’s Joinery administrator.';

/** A callback Joinery cannot trust: forged, replayed, from another browser, too late, or failing the ID token's checks. */
export function untrusted(reason: string, words: string, detail?: string): SignInFailure {
  return { status: 400, reason, words, ask: TRY_AGAIN, detail };
}

/** A person Joinery recognises the provider vouched for, but who may not come in this way. */
export function refused(reason: string, words: string, ask = ADMINISTRATOR): SignInFailure {
  return { status: 403, reason, words, ask };
}

const CLAIM_WORDS: Record<string, string> = {
  iss: 'The sign-in answer did not come from the provider Joinery trusts (wrong issuer).',
  aud: 'The sign-in answer was meant for another service, not Joinery (wrong audience).',
  nonce: 'The sign-in answer does not belong to the sign-in you started (nonce did not match).',
  azp: 'The sign-in answer was meant for another service, not Joinery.',
};

/** The openid-client error turned into a failure Joinery can explain, without guessing more than it says. */
export function failureFrom(error: unknown): SignInFailure {
  if (error instanceof client.AuthorizationResponseError) {
    return refused('provider-refused', `The provider did not sign you in (${error.error}).`, TRY_AGAIN);
  }
  if (error instanceof client.ResponseBodyError) {
    // invalid_grant: the code was used already or has expired, as a replayed callback's is.
    return untrusted('code-rejected', 'The provider would not accept this sign-in a second time, or it took too long.', error.error);
  }
  if (error instanceof client.ClientError) {
    const code = error.code ?? 'unknown';
    // openid-client wraps oauth4webapi's error: the claim at fault is on the inner error's cause.
    const inner = error.cause as { message?: string; claim?: string; cause?: { claim?: string } } | undefined;
    const message = `${error.message} ${inner?.message ?? ''}`.toLowerCase();
    const claim = inner?.claim ?? inner?.cause?.claim;
    if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim) return untrusted(`token-${claim}`, CLAIM_WORDS[claim] ?? `The ID token's ${claim} was not what Joinery expected.`, claim);
    if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return untrusted('token-expired', 'The sign-in answer had expired, or its time was wrong.', code);
    if (message.includes('signature')) return untrusted('token-signature', 'The sign-in answer’s signature did not check out: it may have been altered.', code);
    if (message.includes('"iss"') || message.includes('issuer')) return untrusted('wrong-issuer', CLAIM_WORDS.iss!, code);
    if (message.includes('missing') || message.includes('required')) return untrusted('token-missing-claim', 'The sign-in answer was missing something Joinery needs.', code);
    if (message.includes('state')) return untrusted('state-mismatch', 'The sign-in answer does not belong to the sign-in you started.', code);
    return untrusted('token-invalid', 'The sign-in answer did not pass Joinery’s checks.', code);
  }
  return { status: 502, reason: 'provider-unreachable', words: 'Joinery could not reach the sign-in service just now.', ask: 'Try again in a few minutes. If it keeps happening, tell your IT service desk.', detail: error instanceof Error ? error.name : undefined };
}

/** One line per failed sign-in, for whoever watches the logs. */
export function logSignInFailure(provider: ProviderName, failure: SignInFailure): void {
  console.warn(`joinery sign-in refused ${JSON.stringify({ provider, reason: failure.reason, status: failure.status, detail: failure.detail ?? null })}`);
}
