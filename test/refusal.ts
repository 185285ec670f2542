import { ValidationError } from '../src/platform/http/errors.js';

/** How a service call refused: the kind of refusal, its words, and for bad input the message per field. */
export type Refusal = { kind: string; message: string; fields?: Record<string, string> };

/** Awaits a service call that must refuse, and says how it did; a call that succeeds fails the test. */
export async function refusalOf(call: Promise<unknown>): Promise<Refusal> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof Error)) throw new Error('expected the call to be refused, and it was not');
  return { kind: error.constructor.name, message: error.message, ...(error instanceof ValidationError ? { fields: error.fields } : {}) };
}
