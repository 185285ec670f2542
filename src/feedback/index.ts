/** The Friends and Family Test's words and code lists, for pages, the generator and FHIR. */

export const FEEDBACK_SERVICES = ['hub-clinic', 'mdt-outcome', 'advice', 'care-at-home'] as const;
export type FeedbackService = (typeof FEEDBACK_SERVICES)[number];

/** The service as the family knows it: all the feedback page says of what happened, with the date. */
export const SERVICE_NAMES: Record<FeedbackService, string> = {
  'hub-clinic': 'Child health hub clinic',
  'mdt-outcome': 'Child health hub team meeting about your child',
  advice: 'Advice from the child health hub',
  'care-at-home': 'Care at home',
};

export const FFT_QUESTION = 'Overall, how was your experience of our service?';

export const FFT_ANSWERS = ['very-good', 'good', 'neither', 'poor', 'very-poor', 'dont-know'] as const;
export type FftAnswer = (typeof FFT_ANSWERS)[number];

export const FFT_ANSWER_LABELS: Record<FftAnswer, string> = {
  'very-good': 'Very good', good: 'Good', neither: 'Neither good nor poor', poor: 'Poor', 'very-poor': 'Very poor', 'dont-know': 'Don’t know',
};

/** The answers that count as recommending the service: the FFT's "positive" share. "Don't know" counts in neither part. */
export const RECOMMENDING: readonly FftAnswer[] = ['very-good', 'good'];

/** How long a family has to answer once given the link. */
export const FEEDBACK_LINK_DAYS = 28;
