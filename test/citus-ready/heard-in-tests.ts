import { beforeAll, expect, it } from 'vitest';
import type { Database, DatabaseKind } from '../../src/platform/db/client.js';
import { CITUS_WORKERS } from '../citus.js';
import { askedByApp, citusQueryProblems, describe as described, startHearing, type HeardStatement } from './queries.js';

/** The statements of a hearing that the app's own code asked for (askedByApp): a test's own SQL is left out. */
export function appStatements(heard: Map<string, HeardStatement>): Map<string, HeardStatement> {
  return new Map([...heard].filter(([, s]) => askedByApp(s.by)));
}

/** What is wrong with the app's statements of a hearing, as Citus distributed by ics_id would take them: one message each. */
export async function appSqlProblems(db: Database, icsId: string, heard: Map<string, HeardStatement>): Promise<string[]> {
  return (await citusQueryProblems(db, icsId, appStatements(heard))).map(described);
}

/**
 * The crawl (test/citus-queries.test.ts) hears only what pages reached by GET
 * send. Code it cannot reach (scheduled jobs, POST forms, the family's and
 * FHIR's ways in, feeds) is checked where its tests run it: called last in
 * a describe block, this hears every statement the app sends while the
 * block's tests run on the server, and adds a test, run after them, that
 * reads those statements as Citus would (docs/decisions/0028). On PGlite
 * nothing is heard and no test is added.
 */
export function checkAppSqlAsCitusWould(kind: DatabaseKind, dbOf: () => Database, icsOf: () => string): void {
  // On a Citus coordinator (a run by hand, decision 0029) the statements meet Citus itself, and EXPLAIN gives Citus's plan, not PostgreSQL's.
  if (kind !== 'postgres' || CITUS_WORKERS.length) return;
  let hearing: ReturnType<typeof startHearing> | undefined;
  beforeAll(() => {
    hearing = startHearing();
    hearing.where.now = 'this file\u2019s tests';
  });
  it('sends only SQL that Citus, distributing tenant tables by ics_id, would take to one shard', async () => {
    hearing!.stop();
    const heard = appStatements(hearing!.heard);
    expect(heard.size, 'no statement of the app was heard: is the check called inside the describe block that runs on the server?').toBeGreaterThan(0);
    const problems = await appSqlProblems(dbOf(), icsOf(), heard);
    expect(problems, `SQL that Citus would refuse or send to every shard (docs/decisions/0028):\n\n${problems.join('\n\n')}`).toEqual([]);
  });
}
