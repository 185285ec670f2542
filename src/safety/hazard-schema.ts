import { z } from 'zod';
import { CONSEQUENCES, LIKELIHOODS } from './risk-matrix.js';

/**
 * A test that proves a control, as one line of a control's `tests`:
 *   "src/children/routes.test.ts"                         every test in that file;
 *   "src/x/y.test.ts > describe title > test title"       one test, by vitest's full title:
 *     the describe blocks and the test's own title, each separated by " > ".
 * A title made by describe.each or it.each keeps its placeholder ("… (%s)"): it
 * then stands for each case (both database kinds, say), and all of them must pass.
 */
export const TEST_REFERENCE = /^(src|test|e2e)\/[A-Za-z0-9_./-]+\.test\.ts( > \S.*)?$/;

const testReference = z.string().regex(TEST_REFERENCE, 'A test is "path/to/file.test.ts" or "path/to/file.test.ts > describe > test title"');
const isoDate = z.iso.date({ error: 'A date is written YYYY-MM-DD' });
const text = z.string().trim().min(1);

export const CONTROL_KINDS = { design: 'Design', test: 'Test', training: 'Training', process: 'Process' } as const;
export const CONTROL_OWNERS = { manufacturer: 'Joinery (manufacturer)', 'deploying-organisation': 'Deploying ICS' } as const;
export const HAZARD_STATUSES = { open: 'Open', transferred: 'Transferred', closed: 'Closed' } as const;

export const controlSchema = z.object({
  id: z.string().regex(/^H\d{3}-C\d+$/, 'A control id is its hazard id, "-C" and a number, e.g. H001-C1'),
  kind: z.enum(Object.keys(CONTROL_KINDS) as [keyof typeof CONTROL_KINDS]),
  /** Who puts the control in place: design and test controls are Joinery's; training and local process may be the deploying ICS's (DCB0160). */
  owner: z.enum(Object.keys(CONTROL_OWNERS) as [keyof typeof CONTROL_OWNERS]),
  description: text,
  tests: z.array(testReference).default([]),
}).strict();

const assessment = z.object({ likelihood: z.enum(LIKELIHOODS), consequence: z.enum(CONSEQUENCES) }).strict();

export const hazardSchema = z.object({
  id: z.string().regex(/^H\d{3}$/, 'A hazard id is H and three digits, e.g. H001'),
  title: text,
  description: text,
  causes: z.array(text).min(1),
  effect: text,
  harm: text,
  existingControls: z.array(text).default([]),
  initialRisk: assessment,
  controls: z.array(controlSchema),
  residualRisk: assessment,
  status: z.enum(Object.keys(HAZARD_STATUSES) as [keyof typeof HAZARD_STATUSES]),
  /** The clinical safety officer's written acceptance of a residual risk of 4 or 5. */
  acceptance: z.object({ by: text, on: isoDate, reason: text }).strict().optional(),
  reviews: z.array(z.object({ by: text, role: text, on: isoDate, note: text.optional() }).strict()).min(1),
}).strict();

/** safety/safety-case.json: what the product is for, and who signs its safety case off. */
export const safetyCaseSchema = z.object({
  product: text,
  manufacturer: text,
  scope: z.array(text).min(1),
  intendedUse: text,
  intendedUsers: z.array(text).min(1),
  notIntendedFor: z.array(text).default([]),
  /** null until an ICS or the manufacturer names one: nothing can then be accepted or signed off. */
  clinicalSafetyOfficer: z.object({ name: text, registration: text }).strict().nullable(),
  signOffs: z.array(z.object({ version: text, by: text, on: isoDate, statement: text }).strict()).default([]),
}).strict();

export type Control = z.infer<typeof controlSchema>;
export type Hazard = z.infer<typeof hazardSchema>;
export type SafetyCase = z.infer<typeof safetyCaseSchema>;
export type HazardLog = { safetyCase: SafetyCase; hazards: Hazard[] };
