import { vi } from 'vitest';
import { main } from '../src/main.js';

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
