import crypto from 'node:crypto';
import type pg from 'pg';
import fs from 'node:fs';
import type { Config } from '../config.js';
import { acceptLateWrites, makeDatabase, type BeginWith, type Database, type Tx } from './client.js';
import { lockDataFolder } from './data-folder-lock.js';
import { COPY_ALLOWED } from './copy.js';

/**
 * Where a command finds its database: the configuration, or (for a command the
 * running server carries out for the command line) the server's own open one.
 */
export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'databasePool'>> & { serving?: Database; command?: string };

/** Opens the configured database: a PostgreSQL server when DATABASE_URL is set, otherwise embedded PGlite. */
export async function connect(config: DatabaseConfig, opts: { memory?: boolean; command?: string } = {}): Promise<Database> {
  // The server's database stays open when the command is done with it.
  if (config.serving) return { ...config.serving, close: async () => undefined };
  if (config.databaseUrl) return connectServer(config.databaseUrl, config.databasePool);
  return connectEmbedded(opts.memory ? undefined : config.dataDir, opts.command ?? config.command);
}

/** Connections to a server by default: what the bench found best for pages and FHIR under load (decision record 0027). */
export const DEFAULT_POOL = 20;

export async function connectServer(url: string, poolSize = DEFAULT_POOL): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { NodePgSession, NodePgTransaction } = await import('drizzle-orm/node-postgres/session');
  const { PgDialect } = await import('drizzle-orm/pg-core');
  // Dates stay as strings: a date of birth has no time zone.
  pg.types.setTypeParser(1082, (v: string) => v);
  const Client = preparingClient(pg.Client);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, Client });
  const lateWrites = (client: pg.PoolClient) => waiting.get(client as unknown as pg.Client) ?? [];
  pool.on('error', () => undefined);
  const orm = drizzle(pool) as unknown as Tx;
  const dialect = new PgDialect();
  /**
   * BEGIN and the transaction's first statements in one round trip (the
   * simple query protocol takes several statements): each request's
   * transaction starts with its role, tenant and savepoint, and a read
   * makes only a handful of round trips in all.
   */
  // Asked once: on a Citus coordinator each SET LOCAL travels alone (citusRoundTrips).
  const citus = (await pool.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`)).rows[0].citus as boolean;
  // Citus refuses COPY into shards under row-level security: bulk writes go as VALUES there (copy.ts).
  (Client.prototype as unknown as Record<symbol, boolean>)[COPY_ALLOWED] = !citus;
  const begin: BeginWith = async (first, fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // The statements that open the transaction (a tenant found by them, decision 0029) and the late writes are the app's too.
      const by = heard ? new Error().stack ?? '' : '';
      if (heard) for (const text of first) heard({ text, values: [], by });
      const opened: pg.QueryResult[] = [];
      for (const batch of citus ? citusRoundTrips(first) : [['BEGIN', ...first]]) {
        const answered = (await client.query(batch.join('; '))) as unknown as pg.QueryResult | pg.QueryResult[];
        opened.push(...(Array.isArray(answered) ? answered : [answered]));
      }
      const said = { by: '' };
      const session = new NodePgSession(heard ? heardClient(client, heard, said) : client, dialect, undefined);
      const plain = new NodePgTransaction(dialect, session, undefined) as unknown as Tx;
      const tx = heard ? heardTx(plain, said) : plain;
      acceptLateWrites(tx, (query) => {
        const text = withValues(dialect.sqlToQuery(query), pg.escapeLiteral);
        heard?.({ text, values: [], by: new Error().stack ?? '' });
        lateWrites(client).push(text);
      });
      const result = await fn(tx, opened.slice(1).map((r) => r.rows));
      // What was written late (the audit) goes with the COMMIT: one round trip.
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // Also after a BEGIN whose first statements failed: that leaves an aborted transaction to end.
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      lateWrites(client).length = 0;
      // A connection that could not roll back is closed, not handed to the next request.
      client.release(broken);
    }
  };
  return makeDatabase('postgres', orm, () => pool.end(), begin, citus);
}

/** What an app statement sent to the server was: its text and parameters as the app gave them, and the stack that asked for it. */
export type AppStatement = { text: string; values: unknown[]; by: string };

let heard: ((statement: AppStatement) => void) | undefined;

/**
 * Tests only (the Citus query check, test/citus-ready/queries.ts): hands every
 * statement that the app's tenant and platform transactions send on a server
 * (those that open the transaction and the writes sent with the next one
 * included) to the listener, until called again with undefined. The owner's statements
 * (migrations, the generator) are not heard.
 */
export function hearAppStatements(listener: ((statement: AppStatement) => void) | undefined): void {
  heard = listener;
}

/**
 * The transaction, noting the stack of each call that makes a statement.
 * Drizzle sends a statement only when it is awaited, from a stack that no
 * longer holds the app's code, so the caller is noted here.
 */
function heardTx(tx: Tx, said: { by: string }): Tx {
  return new Proxy(tx, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        said.by = new Error().stack ?? '';
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The pooled client, telling the listener each statement before sending it. */
function heardClient(client: pg.PoolClient, listener: (statement: AppStatement) => void, said: { by: string }): pg.PoolClient {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'query') {
        return (...args: unknown[]) => {
          const [config, values] = args as [{ text?: unknown; values?: unknown[] } | string, unknown[] | undefined];
          const text = typeof config === 'string' ? config : config?.text;
          if (typeof text === 'string') listener({ text, values: (Array.isArray(values) ? values : typeof config === 'object' ? config.values : undefined) ?? [], by: said.by });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * On Citus, BEGIN and the first statements in several round trips: Citus
 * passes a SET LOCAL on to the workers as the text of the whole message that
 * held it, so each `SET LOCAL app.…` goes alone (decision 0029).
 */
function citusRoundTrips(first: string[]): string[][] {
  const trips: string[][] = [['BEGIN']];
  for (const statement of first) {
    const alone = statement.startsWith('SET LOCAL app.');
    if (alone) trips.push([statement], []);
    else trips[trips.length - 1].push(statement);
  }
  return trips.filter((t) => t.length);
}

/** Statements a connection keeps prepared, at most: enough for every fixed query the app makes, not for each length of an IN list. */
const PREPARED_PER_CONNECTION = 300;

/**
 * A pg client that prepares each parameterised statement once per connection
 * (named by a hash of its text) and then only binds and executes it: the
 * server parses and rewrites it once (row-level security included), and,
 * once its plan settles, plans it once. Most of a read's statements are the
 * same text every time: the door's question, the audit insert, the read.
 */
function preparingClient(Base: typeof pg.Client): typeof pg.Client {
  const prepared = new WeakMap<pg.Client, Set<string>>();
  type Query = (this: pg.Client, ...args: unknown[]) => unknown;
  return class extends Base {
    constructor(...args: ConstructorParameters<typeof pg.Client>) {
      super(...args);
      prepared.set(this, new Set());
      waiting.set(this, []);
      const send = (a: unknown[]) => (Base.prototype.query as Query).apply(this, a) as Promise<pg.QueryResult | pg.QueryResult[]>;
      this.query = ((...args: unknown[]) => {
        const late = waiting.get(this)!;
        if (!late.length) return send(named(prepared.get(this)!, args));
        if (typeof (args[0] as { submit?: unknown } | undefined)?.submit === 'function') {
          // A COPY (copy.ts) goes alone: the late writes just ahead of it; should they fail, the COPY fails with the aborted transaction.
          send([late.splice(0).join(';\n')]).catch(() => undefined);
          return send(args);
        }
        const ahead = late.splice(0);
        const joined = joinedWith(ahead, args);
        // One message when the next statement takes no parameters (a COMMIT): only its own result goes back.
        if (joined) return send(joined).then((r) => (Array.isArray(r) ? r[r.length - 1] : r));
        return send([ahead.join(';\n')]).then(() => send(named(prepared.get(this)!, args)));
      }) as typeof this.query;
    }
  };
}

/** Each connection's writes waiting for its next statement (client.ts writeWithNext). */
const waiting = new WeakMap<pg.Client, string[]>();

/** The late writes and the next statement as one simple-protocol message, when that statement has no parameters and wants plain rows. */
function joinedWith(ahead: string[], args: unknown[]): unknown[] | undefined {
  const [config, values] = args as [string | { text?: unknown; name?: string; rowMode?: string; values?: unknown[] }, unknown];
  if (args.length > 2 || typeof values === 'function') return undefined;
  if (Array.isArray(values) && values.length) return undefined;
  if (typeof config === 'string') return [[...ahead, config].join(';\n')];
  if (!config || typeof config.text !== 'string' || config.name || config.rowMode || config.values?.length) return undefined;
  return [{ ...config, text: [...ahead, config.text].join(';\n') }];
}

/**
 * A statement with its values written in as literals (pg's escaping), to
 * travel in a simple-protocol message. Only text, numbers, booleans and null:
 * a late write sends anything richer as JSON text, which the statement casts.
 */
function withValues(query: { sql: string; params: unknown[] }, escapeLiteral: (s: string) => string): string {
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = query.params[Number(n) - 1];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new Error('A late write takes text, numbers, booleans or null.');
    return escapeLiteral(String(value));
  });
}

/** The query's arguments, its config named after its text when it has parameters and the connection may keep it prepared. */
function named(prepared: Set<string>, args: unknown[]): unknown[] {
  const [config, values] = args as [{ name?: string; text?: unknown } | string, unknown];
  if (!config || typeof config !== 'object' || config.name || typeof config.text !== 'string' || !Array.isArray(values) || !values.length) return args;
  const name = `j${crypto.createHash('sha1').update(config.text).digest('base64url')}`;
  if (!prepared.has(name) && prepared.size >= PREPARED_PER_CONNECTION) return args;
  prepared.add(name);
  return [{ ...config, name }, ...args.slice(1)];
}

/** Opens PGlite in memory, or in dataDir once this process holds the folder's lock (released on close). */
export async function connectEmbedded(dataDir: string | undefined, command = 'command'): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? await lockDataFolder(dataDir, command) : undefined;
  try {
    const client = new PGlite(dataDir, { parsers: { [types.DATE]: (v: string) => v } });
    await client.waitReady;
    const orm = drizzle(client) as unknown as Tx;
    const db = makeDatabase('pglite', orm, async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    });
    return { ...db, lock };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
