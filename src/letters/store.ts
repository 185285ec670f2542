import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { LETTER_KINDS, type LetterKind } from './templates.js';

export type TemplateRow = { kind: LetterKind; version: number; title: string; body: string; changed_by_name: string | null; changed_at: string | null };

const COLUMNS = sql`kind, version, title, body, changed_by_name, changed_at::text`;

/** The wording Joinery ships, as version 0 of every kind. */
export const shippedTemplate = (kind: LetterKind): TemplateRow => ({
  kind, version: 0, title: LETTER_KINDS[kind].title, body: LETTER_KINDS[kind].body, changed_by_name: null, changed_at: null,
});

/** The wording in use for a kind of letter: the ICS's latest version, else the shipped default (version 0). */
export async function currentTemplate(tx: Tx, icsId: string, kind: LetterKind): Promise<TemplateRow> {
  const [latest] = await rows<TemplateRow>(tx, sql`SELECT ${COLUMNS} FROM letter_template WHERE ics_id = ${icsId}::uuid AND kind = ${kind} ORDER BY version DESC LIMIT 1`);
  return latest ?? shippedTemplate(kind);
}

/** Every version the ICS has saved of a kind, newest first (the shipped default is not among them). */
export function savedVersions(tx: Tx, icsId: string, kind: LetterKind): Promise<TemplateRow[]> {
  return rows<TemplateRow>(tx, sql`SELECT ${COLUMNS} FROM letter_template WHERE ics_id = ${icsId}::uuid AND kind = ${kind} ORDER BY version DESC`);
}

/** One version of a kind; 0 is the shipped default. */
export async function templateVersion(tx: Tx, icsId: string, kind: LetterKind, version: number): Promise<TemplateRow | undefined> {
  if (version === 0) return shippedTemplate(kind);
  const [row] = await rows<TemplateRow>(tx, sql`SELECT ${COLUMNS} FROM letter_template WHERE ics_id = ${icsId}::uuid AND kind = ${kind} AND version = ${version}`);
  return row;
}

/** A new version; the primary key refuses a second save of the same number, so two racing saves cannot both land. */
export async function insertVersion(tx: Tx, actor: Actor, kind: LetterKind, version: number, wording: { title: string; body: string }): Promise<void> {
  await tx.execute(sql`INSERT INTO letter_template (ics_id, kind, version, title, body, changed_by, changed_by_name)
    VALUES (${actor.icsId}::uuid, ${kind}, ${version}, ${wording.title}, ${wording.body}, ${actor.professionalId}::uuid, ${actor.name})`);
}
