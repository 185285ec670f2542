import type { SQL } from 'drizzle-orm';
import { rows, type Tx } from '../src/platform/db/client.js';
import type { TestJoinery } from './joinery.js';

/** Runs a service call as the app does: one transaction, as the app's role, bound to the demo ICS. */
export const inIcs = <T>(j: TestJoinery, fn: (tx: Tx) => Promise<T>): Promise<T> => j.db.tenant(j.ics.icsId, fn);

/** The first row a query finds, read as the database owner (what a test checks, past row-level security). */
export const one = async <T>(j: TestJoinery, q: SQL): Promise<T> => (await rows<T>(j.db.owner, q))[0];
