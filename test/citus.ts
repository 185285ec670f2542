import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Running the suite on a Citus cluster by hand (decision 0029): with
 * JOINERY_TEST_DATABASE_URL at the coordinator and JOINERY_TEST_CITUS_WORKERS
 * listing the workers (host:port,host:port), each test database is made on
 * every node, given the citus extension and the workers, and distributed
 * after its migrations. Unset (CI, this machine's server), nothing changes.
 * The benchmark makes its database on a cluster the same way
 * (JOINERY_BENCH_CITUS_WORKERS).
 */
export const citusWorkers = (list: string | undefined): string[] => (list ?? '').split(',').filter(Boolean);
export const CITUS_WORKERS = citusWorkers(process.env.JOINERY_TEST_CITUS_WORKERS);

function nodeUrl(coordinatorUrl: string, hostPort: string, database: string): string {
  const url = new URL(coordinatorUrl);
  const [host, port] = hostPort.split(':');
  url.hostname = host;
  url.port = port;
  url.pathname = `/${database}`;
  return url.toString();
}

async function on<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** After CREATE DATABASE on the coordinator: the same database on each worker, and the coordinator's metadata naming them. */
export async function makeCitusDatabase(coordinatorUrl: string, name: string, workers = CITUS_WORKERS): Promise<void> {
  for (const worker of workers) {
    await on(nodeUrl(coordinatorUrl, worker, 'postgres'), (c) => c.query(`CREATE DATABASE ${name}`));
    await on(nodeUrl(coordinatorUrl, worker, name), (c) => c.query('CREATE EXTENSION citus'));
  }
  const coordinator = new URL(coordinatorUrl);
  await on(nodeUrl(coordinatorUrl, `${coordinator.hostname}:${coordinator.port}`, name), async (c) => {
    await c.query('CREATE EXTENSION citus');
    await c.query('SELECT citus_set_coordinator_host($1, $2)', [coordinator.hostname, Number(coordinator.port)]);
    for (const worker of workers) {
      const [host, port] = worker.split(':');
      await c.query('SELECT citus_add_node($1, $2)', [host, Number(port)]);
    }
  });
}

/** After DROP DATABASE on the coordinator: the same on each worker. */
export async function dropCitusDatabase(coordinatorUrl: string, name: string, workers = CITUS_WORKERS): Promise<void> {
  for (const worker of workers) await on(nodeUrl(coordinatorUrl, worker, 'postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * Migrating and distributing a database takes minutes on a cluster, so each
 * test database is copied from a template made once (per set of migrations and
 * placements) on every node: Citus keeps its metadata inside each database and
 * names the nodes by host and port, so a copy made with the same name on every
 * node is a cluster of its own. The first process to need it builds it under
 * an advisory lock; the others wait and copy. A template missing on any node,
 * or one whose build failed, is dropped everywhere rather than copied.
 */
export async function copyCitusTemplate(coordinatorUrl: string, name: string, prepare: (url: string) => Promise<void>, workers = CITUS_WORKERS): Promise<void> {
  const coordinator = new URL(coordinatorUrl);
  const nodes = [`${coordinator.hostname}:${coordinator.port}`, ...workers];
  const template = `joinery_citus_template_${templateKey()}`;
  const onEvery = async (statement: (c: pg.Client) => Promise<unknown>) => {
    for (const node of nodes) await on(nodeUrl(coordinatorUrl, node, 'postgres'), statement);
  };
  const dropEverywhere = (database: string) => onEvery((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  await on(nodeUrl(coordinatorUrl, nodes[0], 'postgres'), async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      let everywhere = true;
      await onEvery(async (c) => {
        everywhere &&= ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount ?? 0) > 0;
      });
      if (!everywhere) {
        await dropEverywhere(template);
        try {
          await admin.query(`CREATE DATABASE ${template}`);
          await makeCitusDatabase(coordinatorUrl, template, workers);
          await prepare(nodeUrl(coordinatorUrl, nodes[0], template));
        } catch (error) {
          await dropEverywhere(template);
          throw error;
        }
      }
      try {
        // A copy needs its template unused; Citus's maintenance daemon stops on SIGTERM and starts again only when the template is used.
        await onEvery((c) => copyOf(c, template, name));
      } catch (error) {
        await dropEverywhere(name);
        throw error;
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
}

async function copyOf(c: pg.Client, template: string, name: string): Promise<void> {
  await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [template]);
  for (let tries = 0; ; tries++) {
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (error) {
      if (tries > 20 || !/being accessed by other users/.test(String(error))) throw error;
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [template]);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Changes with every migration and every change to how a database is migrated or placed, so a stale template is never copied. */
function templateKey(): string {
  const hash = crypto.createHash('sha256');
  const root = path.resolve(import.meta.dirname, '..');
  const migrations = path.join(root, 'migrations');
  for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort()) hash.update(file).update(fs.readFileSync(path.join(migrations, file)));
  for (const file of ['migrations/meta/_journal.json', 'src/platform/db/migrate.ts', 'src/platform/db/distribute.ts', 'src/platform/db/citus-placement.ts']) {
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest('hex').slice(0, 12);
}
