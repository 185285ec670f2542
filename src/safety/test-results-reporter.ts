import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';
import type { Vitest } from 'vitest/node';
import { checkHazardLog } from './check.js';
import { loadHazardLog } from './hazard-log.js';
import { REPOSITORY_ROOT, TEST_RESULTS_FILE } from './safety-files.js';
import { lastTestRun, testInSource, type TestResult, type TestRun } from './test-evidence.js';

/**
 * Records each run's results (file, full title, state) in .joinery/test-results.json
 * for the hazard log page, and at the end of a run of every test file holds the
 * hazard log to them: a control's test that failed, was skipped or is missing
 * fails the run, naming the hazard, the control and the test.
 */
export default class HazardLogReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason) {
    const results: TestResult[] = testModules.flatMap((m) => {
      const file = path.relative(REPOSITORY_ROOT, m.moduleId);
      return [...m.children.allTests()].map((t) => ({ file, name: t.fullName, state: t.result().state }));
    });
    const complete = reason !== 'interrupted' && await this.ranEveryFile(testModules);
    const run = mergeRun(complete ? null : lastTestRun(), results, complete);
    fs.mkdirSync(path.dirname(TEST_RESULTS_FILE), { recursive: true });
    fs.writeFileSync(TEST_RESULTS_FILE, `${JSON.stringify(run, null, 1)}\n`);
    if (!complete) return;
    let messages: string[];
    try {
      messages = checkHazardLog(loadHazardLog(), { testExists: (t) => testInSource(t), run }).map((p) => p.message);
    } catch (error) {
      messages = [(error as Error).message]; // a hazard file that does not fit the schema
    }
    if (messages.length === 0) return;
    process.stderr.write(`\nThe clinical hazard log does not hold (safety/hazards):\n${messages.map((m) => `  - ${m}`).join('\n')}\n\n`);
    process.exitCode = 1;
  }

  /** A run of every test file, with no test name filter: only then can a named test be known missing. */
  private async ranEveryFile(testModules: ReadonlyArray<TestModule>): Promise<boolean> {
    if (!this.vitest || this.vitest.config.testNamePattern) return false;
    const ran = new Set(testModules.map((m) => m.moduleId));
    const all = await this.vitest.globTestSpecifications();
    return all.length > 0 && all.every((spec) => ran.has(spec.moduleId));
  }
}

/** A partial run updates the files it ran and keeps the last results for the rest. */
export function mergeRun(previous: TestRun | null, results: TestResult[], complete: boolean): TestRun {
  const ranFiles = new Set(results.map((r) => r.file));
  const kept = complete || !previous ? [] : previous.tests.filter((t) => !ranFiles.has(t.file));
  return { finishedAt: new Date().toISOString(), complete, tests: [...kept, ...results].sort((a, b) => a.file.localeCompare(b.file)) };
}
