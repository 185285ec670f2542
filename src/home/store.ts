import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';

/** Whether the database answers at all, for the health check. */
export async function databaseAnswers(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT 1`);
}
