import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyGrantFacts, Relationship } from '../platform/access/relationship-kinds.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { person, systemClient } from '../platform/access/test-actors.js';
import { FEEDBACK_SERVICES, type FeedbackService } from './index.js';
import { feedbackPolicy } from './policy.js';

const member = (identityLevel: 'P5' | 'P9' = 'P9'): Actor => ({
  icsId: 'ics', professionalId: 'f', name: 'Sam Parent', email: '', role: 'family', organisationId: 'ics', organisationName: '',
  family: { nhsNumber: '9990000001', birthdate: '1985-01-01', identityLevel },
});
const facts = (over: Partial<FamilyGrantFacts>): FamilyGrantFacts => ({
  grantId: 'g', status: 'active', expired: false, frozen: false, safeguarding: false, parentalResponsibility: true, corporateParent: false,
  maySee: ['appointments', 'plan', 'letters', 'advice', 'messages'], childAge: 8, competent: false, youngPersonAgreed: false, ...over,
});

const PAUSED = 'You cannot see this child’s information online at the moment. If you have a question about their care, contact their GP practice.';
const GRANTS: Record<string, Relationship[]> = {
  'parent with PR': [{ kind: 'proxy', detail: 'mother', family: facts({}) }],
  'parent limited to appointments': [{ kind: 'proxy', detail: 'father', family: facts({ maySee: ['appointments'] }) }],
  'parent limited to the plan': [{ kind: 'proxy', detail: 'father', family: facts({ maySee: ['plan'] }) }],
  'young person competent (14)': [{ kind: 'own-access', detail: 'themself', family: facts({ childAge: 14, competent: true, parentalResponsibility: false }) }],
  'suspended proxy': [{ kind: 'proxy', detail: 'mother', family: facts({ status: 'suspended' }) }],
  'frozen record': [{ kind: 'proxy', detail: 'mother', family: facts({ frozen: true }) }],
  'no grant': [],
};

/** Written out: who is asked about which service (the clinic visit goes with appointments, the meeting and care at home with letters, advice with advice). */
const EXPECTED: Record<string, Record<FeedbackService, string | null>> = {
  'parent with PR': { 'hub-clinic': null, 'mdt-outcome': null, advice: null, 'care-at-home': null },
  'parent limited to appointments': {
    'hub-clinic': null, 'mdt-outcome': 'Your access to this child does not include letters.', advice: 'Your access to this child does not include advice.',
    'care-at-home': 'Your access to this child does not include letters.',
  },
  'parent limited to the plan': {
    'hub-clinic': 'Your access to this child does not include appointments.', 'mdt-outcome': 'Your access to this child does not include letters.',
    advice: 'Your access to this child does not include advice.', 'care-at-home': 'Your access to this child does not include letters.',
  },
  'young person competent (14)': { 'hub-clinic': null, 'mdt-outcome': null, advice: null, 'care-at-home': null },
  'suspended proxy': { 'hub-clinic': PAUSED, 'mdt-outcome': PAUSED, advice: PAUSED, 'care-at-home': PAUSED },
  'frozen record': { 'hub-clinic': PAUSED, 'mdt-outcome': PAUSED, advice: PAUSED, 'care-at-home': PAUSED },
  'no grant': Object.fromEntries(FEEDBACK_SERVICES.map((s) => [s, 'You do not have access to this child’s information. Their GP practice can tell you how to ask for it.'])) as Record<FeedbackService, string>,
};

describe('who a family feedback offer is for: grant × service', () => {
  const cases = Object.keys(GRANTS).flatMap((grant) => FEEDBACK_SERVICES.map((service) => [grant, service] as const));

  it.each(cases)('%s → %s', (grant, service) => {
    const refusal = EXPECTED[grant][service];
    const r = GRANTS[grant][0];
    expect(feedbackPolicy.answerAsFamily(member(), GRANTS[grant], service)).toEqual(refusal === null
      ? { allowed: true, why: `${r.kind === 'proxy' ? 'Proxy access (parent or carer)' : 'Their own access (young person)'}: ${r.detail}` }
      : { allowed: false, reason: refusal });
  });

  it('asks no one whose identity NHS login has not checked with photo ID (P5), and no professional or system', () => {
    for (const service of FEEDBACK_SERVICES) {
      expect(feedbackPolicy.answerAsFamily(member('P5'), GRANTS['parent with PR'], service).allowed).toBe(false);
      for (const who of [...ROLE_IDS.map((r) => person(r)), systemClient(null)]) {
        expect(feedbackPolicy.answerAsFamily(who, [{ kind: 'care-team', detail: 'x' }, ...GRANTS['parent with PR']], service).allowed).toBe(false);
      }
    }
  });
});
