/**
 * The benchmark on a Citus coordinator (decision 0029, issue 24): its
 * database is made on every node and distributed as the suite's are
 * (test/citus.ts), and the figures end with the share of queries Citus ran on
 * one shard.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { citusWorkers } from '../test/citus.js';

/**
 * The workers of the cluster the bench server belongs to: JOINERY_BENCH_CITUS_WORKERS
 * (host:port,host:port), or else the workers the server's own database names
 * when it has the citus extension. Empty on a plain PostgreSQL server.
 */
export async function benchCitusWorkers(admin: pg.Client): Promise<string[]> {
  const listed = citusWorkers(process.env.JOINERY_BENCH_CITUS_WORKERS);
  if (listed.length) return listed;
  const citus = (await admin.query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`)).rowCount === 1;
  if (!citus) return [];
  const nodes = await admin.query<{ host: string; port: number }>(`SELECT nodename AS host, nodeport AS port FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive ORDER BY 1, 2`);
  return nodes.rows.map((n) => `${n.host}:${n.port}`);
}

/** Queries Citus has run in this database so far on one shard and on several (citus.enable_stat_counters = on); undefined off Citus or with the counters off. */
export async function shardCounts(db: Database): Promise<{ single: number; multi: number } | undefined> {
  const [on] = await rows<{ counters: string | null }>(db.owner, sql`SELECT current_setting('citus.enable_stat_counters', true) AS counters`);
  if (on.counters !== 'on') return undefined;
  const [n] = await rows<{ single: number; multi: number }>(db.owner, sql`
    SELECT query_execution_single_shard::float8 AS single, query_execution_multi_shard::float8 AS multi
      FROM citus_stat_counters WHERE name = current_database()`);
  return n;
}

/** The share of the queries since `before` that went to one shard, in words. */
export function shardShareWords(label: string, before: { single: number; multi: number }, after: { single: number; multi: number }): string {
  const single = after.single - before.single;
  const multi = after.multi - before.multi;
  const share = single + multi === 0 ? 0 : (100 * single) / (single + multi);
  return `${label.padEnd(46)} ${share.toFixed(1)}% on one shard (${single.toLocaleString('en-GB')} queries on one shard, ${multi.toLocaleString('en-GB')} on several)`;
}

/** VACUUM ANALYZE after a bulk load: on Citus by name, since a bare VACUUM runs on the coordinator's own tables only. */
export async function vacuumAnalyze(db: Database, onCitus: boolean): Promise<void> {
  if (!onCitus) {
    await db.owner.execute(sql`VACUUM ANALYZE`);
    return;
  }
  const placed = await rows<{ name: string }>(db.owner, sql`SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition ORDER BY 1`);
  await db.owner.execute(sql.raw(`VACUUM ANALYZE ${placed.map((t) => t.name).join(', ')}`));
}
