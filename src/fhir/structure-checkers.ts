import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Issue } from './outcome.js';

type Pending = { resolve: (issues: (Issue[] | null)[]) => void; reject: (e: unknown) => void };

/**
 * Worker threads that check FHIR resources' structure (structureIssues:
 * about 0.2 ms of CPU a resource, more than writing it) in parallel with the
 * import that writes them. Each loads the structure definitions once (about
 * two seconds), so they pay only for large imports. Workers run the
 * TypeScript through tsx's require hook, whatever loaded this module.
 */
export class StructureCheckers {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private broken: unknown;
  private workers: Worker[] | undefined;

  /** Workers start on the first check: an import whose lines all pass the compiled check (surelyConformingEntry) starts none. */
  constructor(private readonly count = Math.max(1, Math.min(4, os.availableParallelism() - 1))) {}

  private started(): Worker[] {
    if (this.workers) return this.workers;
    // tsx's require hook first, then the TypeScript.
    const require = createRequire(import.meta.url);
    const boot = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(fileURLToPath(new URL('./structure-worker.ts', import.meta.url)))});`;
    this.workers = Array.from({ length: this.count }, () => {
      const worker = new Worker(boot, { eval: true });
      worker.on('message', ({ id, issues }: { id: number; issues: (Issue[] | null)[] }) => {
        this.pending.get(id)?.resolve(issues);
        this.pending.delete(id);
      });
      worker.on('error', (e) => this.failAll(e));
      worker.on('exit', (code) => this.failAll(new Error(`structure checker exited with code ${code}`)));
      return worker;
    });
    return this.workers;
  }

  /** Each text's structure issues (null: not a JSON object), from the workers in turn. */
  check(texts: string[]): Promise<(Issue[] | null)[]> {
    const id = this.next++;
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const workers = this.started();
      workers[id % workers.length].postMessage({ id, texts });
    });
  }

  private failAll(e: unknown) {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  get size(): number {
    return this.count;
  }

  async close(): Promise<void> {
    this.broken ??= new Error('structure checkers closed');
    await Promise.all((this.workers ?? []).map((w) => w.terminate()));
  }
}
