import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { TestClient, pageText } from './http.js';

/**
 * The family's one-time feedback link, printed whole on a letter for the
 * clinician to hand over, opened by someone who is not signed in: its token,
 * their browser and the words of the form it opens.
 */
export async function openFeedbackLinkOnLetter(app: FastifyInstance, letter: string): Promise<{ token: string; family: TestClient; form: string }> {
  const link = /Go to \S+\/feedback\/([A-Za-z0-9_-]{43}) to answer one question/.exec(letter);
  expect(link, 'the letter carries the family’s feedback link').not.toBeNull();
  const family = TestClient.anonymous(app);
  const form = await family.get(`/feedback/${link![1]}`);
  expect(form.statusCode).toBe(200);
  return { token: link![1], family, form: pageText(form.body) };
}
