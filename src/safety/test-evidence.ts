import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REPOSITORY_ROOT, TEST_RESULTS_FILE } from './safety-files.js';

/** One test as the last run left it: its file (from the repository root), vitest's full title and its state. */
export const testResultSchema = z.object({
  file: z.string(),
  name: z.string(),
  state: z.enum(['passed', 'failed', 'skipped', 'pending']),
});
export const testRunSchema = z.object({
  finishedAt: z.string(),
  /** Whether the last run was every test file: only then is a test absent from it known not to exist. */
  complete: z.boolean(),
  tests: z.array(testResultSchema),
});
export type TestResult = z.infer<typeof testResultSchema>;
export type TestRun = z.infer<typeof testRunSchema>;

/** What the last run says of one test a control names. */
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'missing' | 'not run';

export type TestReference = { file: string; title: string | null };

export function parseTestReference(reference: string): TestReference {
  const at = reference.indexOf(' > ');
  return at < 0 ? { file: reference, title: null } : { file: reference.slice(0, at), title: reference.slice(at + 3) };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A title with .each placeholders (%s, %d, %j…) stands for every case it makes. */
function titlePattern(title: string): RegExp {
  return new RegExp(`^${title.split(/%[sdifjo#]/).map(escapeRegExp).join('.+')}$`);
}

/** The tests of a run that a reference names. */
export function testsNamed(reference: string, run: TestRun): TestResult[] {
  const { file, title } = parseTestReference(reference);
  const pattern = title === null ? null : titlePattern(title);
  return run.tests.filter((t) => t.file === file && (pattern === null || pattern.test(t.name)));
}

/** Passed only when every test named ran and passed; a failure outranks a skip. */
export function testStatus(reference: string, run: TestRun | null): TestStatus {
  if (!run) return 'not run';
  const named = testsNamed(reference, run);
  if (named.length === 0) {
    const fileRan = run.tests.some((t) => t.file === parseTestReference(reference).file);
    return run.complete || fileRan ? 'missing' : 'not run';
  }
  if (named.some((t) => t.state === 'failed')) return 'failed';
  if (named.some((t) => t.state !== 'passed')) return 'skipped';
  return 'passed';
}

/**
 * Whether the test a reference names is in the source: the file exists and each
 * describe and test title is written in it. A static check, for when there is no run.
 */
export function testInSource(reference: string, root = REPOSITORY_ROOT): boolean {
  const { file, title } = parseTestReference(reference);
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return false;
  if (title === null) return true;
  const source = fs.readFileSync(full, 'utf8').replace(/\\(['"`])/g, '$1');
  return title.split(' > ').every((segment) => source.includes(segment));
}

/** The last run's results, or null when there has been none here (a server deployed without its tests). */
export function lastTestRun(file = TEST_RESULTS_FILE): TestRun | null {
  if (!fs.existsSync(file)) return null;
  try {
    const parsed = testRunSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a file cut short by an interrupted run says nothing
  }
}
