import { vi } from 'vitest';
import { main } from '../src/main.js';
import { connectEmbedded } from '../src/platform/db/connect.js';
import type { Database } from '../src/platform/db/client.js';

/** Runs the joinery command line as an operator would, collecting what it prints; the progress bar (stderr) is kept quiet. */
export async function runCli(args: string[]): Promise<{ code: number; output: string }> {
  const out: string[] = [];
  const keep = (line: string) => void out.push(line);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args, { out: keep, err: keep }), output: out.join('\n') };
  } finally {
    stderr.mockRestore();
  }
}

/** Opens the embedded database in a data folder the command line uses, runs `fn` on it, and closes it again (one writer at a time). */
export async function inDataFolder<T>(dataDir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await connectEmbedded(dataDir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
