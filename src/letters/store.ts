import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { LETTER_KINDS, type LetterKind } from './templates.js';

export type TemplateRow = { kind: LetterKind; version: number; title: string; body: string; changed_by_name: string | null; changed_at: string | null };

/** The wording in use for a kind of letter: the ICS's latest version, else the shipped default (version 0). */
export async function currentTemplate(tx: Tx, kind: LetterKind): Promise<TemplateRow> {
  const [latest] = await rows<TemplateRow>(
    tx,
    sql`SELECT kind, version, title, body, changed_by_name, changed_at::text FROM letter_template WHERE kind = ${kind} ORDER BY version DESC LIMIT 1`,
  );
  return latest ?? { kind, version: 0, title: LETTER_KINDS[kind].title, body: LETTER_KINDS[kind].body, changed_by_name: null, changed_at: null };
}
