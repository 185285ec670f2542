import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the hazard log, the tests it names and the last run's results are all found from here. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The clinical safety file lives in safety/ at the root, reviewed like code. */
export const SAFETY_DIR = path.join(REPOSITORY_ROOT, 'safety');

/** Where the test reporter leaves the last run's results (ignored by git, with the embedded database). */
export const TEST_RESULTS_FILE = path.join(REPOSITORY_ROOT, '.joinery', 'test-results.json');

/** A JSON file, parsed; a file that is not JSON is named in the error. */
export function readJsonFile(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path.relative(REPOSITORY_ROOT, file)} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
