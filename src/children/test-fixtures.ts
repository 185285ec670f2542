import type { LightMyRequestResponse } from 'fastify';
import type { TestClient } from '../../test/http.js';
import { londonToday } from '../platform/time/form-dates.js';

/** A date (today unless given) as nhsuk-frontend's date input sends it: name[day], name[month], name[year]. */
export function dateBoxes(name: string, iso = londonToday()): Record<string, string> {
  const [y, m, d] = iso.split('-');
  return { [`${name}[day]`]: String(Number(d)), [`${name}[month]`]: String(Number(m)), [`${name}[year]`]: y };
}

/**
 * Records a consent decision on the child's consent page as a professional
 * would: opens the page (for the number of decisions it showed), then sends
 * the form. The decider is the first family member with parental
 * responsibility the page offers, unless `givenBy` says otherwise.
 */
export async function recordConsentDecision(
  client: TestClient, childId: string, form: { agency: string; decision: string; givenBy?: string; on?: string; competenceNote?: string },
): Promise<LightMyRequestResponse> {
  const page = (await client.get(`/children/${childId}/consent`)).body;
  const seen = /name="seen" value="(\d+)"/.exec(page)?.[1] ?? '0';
  const firstGiver = /name="givenBy" type="radio" value="([^"]+)"/.exec(page)?.[1] ?? 'young-person';
  return client.post(`/children/${childId}/consent`, {
    agency: form.agency, decision: form.decision, givenBy: form.givenBy ?? firstGiver, seen, competenceNote: form.competenceNote ?? '',
    ...dateBoxes('decidedOn', form.on),
  });
}
