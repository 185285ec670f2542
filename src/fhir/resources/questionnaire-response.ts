import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { FFT_ANSWER_LABELS, FFT_QUESTION, SERVICE_NAMES, type FftAnswer, type FeedbackService } from '../../feedback/index.js';
import { JOINERY, JOINERY_CS } from '../codes.js';
import { badRequest, notFound } from '../outcome.js';
import { feedbackAnswerCount, feedbackAnswers, type FeedbackAnswerRow } from '../consent-store.js';
import { single } from './common.js';
import { londonToday } from '../../platform/time/form-dates.js';
import type { ResourceHandler } from './handler.js';

const QUESTIONNAIRE = `${JOINERY}/Questionnaire/friends-and-family-test`;

/**
 * A family's Friends and Family Test answer: the hub, the service and its date, the answer and their words. It names no child or family.
 * `authored` is the London day only: the exact instant could be matched with sign-in or audit times to find who answered.
 */
function toFhir(a: FeedbackAnswerRow): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    id: a.id,
    questionnaire: QUESTIONNAIRE,
    status: 'completed',
    authored: londonToday(new Date(a.answered_at)),
    item: [
      { linkId: 'service', text: 'Service', answer: [{ valueCoding: { system: `${JOINERY_CS}/feedback-service`, code: a.service_kind, display: SERVICE_NAMES[a.service_kind as FeedbackService] } }] },
      { linkId: 'hub', text: 'Hub', answer: [{ valueString: a.cluster_name }] },
      { linkId: 'event-date', text: 'Date of the service', answer: [{ valueDate: a.event_date }] },
      { linkId: 'fft', text: FFT_QUESTION, answer: [{ valueCoding: { system: `${JOINERY_CS}/fft-answer`, code: a.answer, display: FFT_ANSWER_LABELS[a.answer as FftAnswer] } }] },
      ...(a.free_text ? [{ linkId: 'why', text: 'Please tell us why you gave this answer', answer: [{ valueString: a.free_text }] }] : []),
      { linkId: 'anonymous', text: 'Anonymous', answer: [{ valueBoolean: a.anonymous }] },
    ],
  };
}

export const questionnaireResponseHandler: ResourceHandler = {
  type: 'QuestionnaireResponse',
  writable: false,
  documentation: 'Families’ Friends and Family Test answers after hub clinics, MDT outcomes and advice: no child or family is named. Read only.',
  searchParams: [{ name: 'authored', type: 'date', documentation: 'ge<date>: answers given on or after the date.' }],
  async read(r, id) {
    const [found] = await feedbackAnswers(r.tx, r.actor.icsId, { id }, 1, 0);
    if (!found) throw notFound();
    return toFhir(found);
  },
  async search(r, query, page) {
    const authored = single(query, 'authored');
    const from = authored === undefined ? undefined : /^ge(\d{4}-\d{2}-\d{2})$/.exec(authored)?.[1];
    if (authored !== undefined && !from) throw badRequest('authored must be ge<YYYY-MM-DD>.', 'authored');
    return { resources: (await feedbackAnswers(r.tx, r.actor.icsId, { from }, page.count, page.offset)).map(toFhir), total: await feedbackAnswerCount(r.tx, r.actor.icsId, from) };
  },
};
