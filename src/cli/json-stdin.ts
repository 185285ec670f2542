/** Commands that read one JSON document on standard input (spc, pews). */

export type JsonInput = { ok: true; json: unknown } | { ok: false; error: string };

/** Reads and parses standard input; `usage` (e.g. "joinery spc < series.json") goes into the messages. */
export async function readJsonInput(usage: string, readInput: () => Promise<string> = () => readStdin(usage)): Promise<JsonInput> {
  let text: string;
  try {
    text = await readInput();
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'Could not read standard input.' };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    return { ok: false, error: text.trim() === '' ? `Nothing on standard input: give the JSON, e.g. ${usage}` : 'Standard input is not valid JSON.' };
  }
}

async function readStdin(usage: string): Promise<string> {
  if (process.stdin.isTTY) throw new Error(`Give the JSON on standard input, e.g. ${usage}`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
