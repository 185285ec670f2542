import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';

/**
 * The ICSs a scheduled job works through, one listing for every job. The ICS
 * list is itself tenant-owned, so with no ICS bound only the owner
 * connection can read it; only ids are read here, and a job then does all
 * its work on children inside each ICS's own tenant transaction.
 */
export async function everyIcsId(db: Database): Promise<string[]> {
  return (await rows<{ id: string }>(db.owner, sql`SELECT id FROM ics ORDER BY id`)).map((r) => r.id);
}
