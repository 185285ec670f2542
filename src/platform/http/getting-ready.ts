import type { FastifyReply, FastifyRequest } from 'fastify';

/** How far the data Joinery is still making has got (e.g. the demo ICS at first start). */
export type Progress = { done: number; total: number; stage: string };

/**
 * Data a server makes after it has started listening: until it is ready,
 * every page says so with its progress, and nothing touches the database
 * (an embedded database is busy in the one transaction that makes the data,
 * so a session look-up would wait for all of it). Signing in opens when it is ready.
 */
export class GettingReady {
  #progress: Progress;
  #ready = false;

  constructor(readonly what: string, total: number) {
    this.#progress = { done: 0, total, stage: 'starting' };
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** The generator's progress callback: keeps the latest for the page. */
  readonly report = (done: number, total: number, stage: string): void => {
    this.#progress = { done, total, stage };
  };

  finished(): void {
    this.#ready = true;
  }

  /** What the page and the status answer show. */
  status() {
    const { done, total, stage } = this.#progress;
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
    return { ready: this.#ready, what: this.what, done, total, stage, stageText: stageWords(stage), percent };
  }
}

/** The address a script (or a monitor) asks how far it has got. */
export const GETTING_READY_URL = '/getting-ready';

/** What each stage of making the demo ICS is, in words. */
const STAGE_WORDS: Record<string, string> = {
  starting: 'Starting',
  structure: 'Making the organisations, hubs and professionals',
  children: 'Making the children and their records',
  // One long step in the database: the page may be slow to answer until it is done.
  rollups: 'Counting the population for the dashboards (the last step, which can take a minute)',
  done: 'Finishing',
};

export const stageWords = (stage: string) => STAGE_WORDS[stage] ?? stage;

const wantsJson = (req: FastifyRequest) => /^\/(api|health|fhir)(\/|$)/.test(req.url) || /json/.test(req.headers.accept ?? '');

/**
 * Answers a request while the data is being made: the status as JSON for
 * scripts and monitors, otherwise the page saying so (503, try again shortly).
 */
export function answerWhileGettingReady(
  gettingReady: GettingReady, req: FastifyRequest, reply: FastifyReply, render: (context: Record<string, unknown>) => string,
) {
  const status = gettingReady.status();
  reply.code(503).header('retry-after', '5').header('cache-control', 'no-store');
  if (req.url === GETTING_READY_URL || wantsJson(req)) return reply.send(status);
  // Back to the page asked for, on this site only: "//host" or a backslash could lead a browser elsewhere.
  const page = req.method === 'GET' && /^\/(?![/\\])/.test(req.url) && !req.url.includes('\\') ? req.url : '/';
  return reply.type('text/html; charset=utf-8').send(render({
    title: `Joinery is making ${status.what}`,
    status, stageText: stageWords(status.stage), again: page,
    doneText: status.done.toLocaleString('en-GB'), totalText: status.total.toLocaleString('en-GB'),
  }));
}
