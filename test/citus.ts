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
