import { describe, expect, it } from 'vitest';
import { adviceLinkPolicy } from './advice-link-policy.js';
import type { Actor } from './actor.js';
import type { AdviceLinkFacts, Relationship } from './relationship-kinds.js';
import { ROLE_IDS } from './roles.js';
import { person, systemClient } from './test-actors.js';

const holder = (sendingId = 'sending-1'): Actor => ({
  icsId: 'ics', professionalId: 'h', name: 'Advice link holder', email: '', role: 'advice-link-holder', organisationId: 'ics', organisationName: '',
  adviceLink: { sendingId, tokenHash: 'hash', deviceHash: 'device' },
});
const familyMember: Actor = {
  icsId: 'ics', professionalId: 'f', name: 'Sam Parent', email: '', role: 'family', organisationId: 'ics', organisationName: '',
  family: { nhsNumber: '9990000001', birthdate: '1985-01-01', identityLevel: 'P9' },
};
const link = (facts: Partial<AdviceLinkFacts>): Relationship[] => [{
  kind: 'advice-link', detail: 'advice sent on 2026-12-01', adviceLink: { sendingId: 'sending-1', expired: false, bound: false, thisDevice: false, ...facts },
}];

/** Each state the link's sending can be in, as the data would show it to its holder. */
const STATES: Record<string, Relationship[]> = {
  'never opened': link({}),
  'opened on this device': link({ bound: true, thisDevice: true }),
  'opened on another device': link({ bound: true }),
  'expired, never opened': link({ expired: true }),
  'expired, opened on this device': link({ expired: true, bound: true, thisDevice: true }),
  'a link replaced since (no relationship)': [],
  'another sending of the same child': [{ kind: 'advice-link', detail: 'x', adviceLink: { sendingId: 'sending-2', expired: false, bound: true, thisDevice: true } }],
  'a professional relationship, no link': [{ kind: 'registered-practice', detail: 'x' }],
};

const EXPIRED = 'The link to this advice has expired.';
const ELSEWHERE = 'The link to this advice was opened on another phone or computer.';
const GONE = 'The link is not the family’s current link to this advice.';

/** Written out from issue 18: the link opens for its first device, then only that one, until it expires; an answer needs the device that opened it. */
function expectedRefusal(state: string, action: keyof typeof adviceLinkPolicy): string | null {
  switch (state) {
    case 'never opened': return action === 'openSentAdvice' ? null : 'The link to this advice has not been opened on this phone or computer.';
    case 'opened on this device': return null;
    case 'opened on another device': return ELSEWHERE;
    case 'expired, never opened': case 'expired, opened on this device': return EXPIRED;
    default: return GONE;
  }
}

describe('advice link matrix: the link holder × the state of their link', () => {
  const actions = Object.keys(adviceLinkPolicy) as (keyof typeof adviceLinkPolicy)[];
  const cases = Object.keys(STATES).flatMap((state) => actions.map((action) => [state, action] as const));

  it.each(cases)('%s → %s', (state, action) => {
    const refusal = expectedRefusal(state, action);
    expect(adviceLinkPolicy[action](holder(), STATES[state])).toEqual(refusal === null
      ? { allowed: true, why: 'Holder of a one-time advice link: advice sent on 2026-12-01' }
      : { allowed: false, reason: refusal });
  });

  it('refuses every link rule to professionals, systems and family members, even with the link’s relationship', () => {
    const others = [...ROLE_IDS.map((r) => person(r)), systemClient(null), systemClient('o'), familyMember];
    for (const who of others) {
      for (const action of Object.keys(adviceLinkPolicy) as (keyof typeof adviceLinkPolicy)[]) {
        expect(adviceLinkPolicy[action](who, STATES['opened on this device'])).toEqual({ allowed: false, reason: 'Only the holder of a link to advice sent to the family opens it.' });
      }
    }
  });
});
