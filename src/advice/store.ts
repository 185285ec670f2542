import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import type { AdvicePage, AgeBand } from './page-format.js';
import type { AdviceSource } from './schema.js';

/** One saved version of a page, as the database holds it. */
export type PageVersionRow = {
  page_id: string; version: number; title: string; condition: string; author: string;
  approved_by: string | null; approved_on: string | null; review_by: string | null; demonstration: boolean;
  age_bands: AgeBand[]; sources: string[]; saved_by_name: string; saved_at: string;
};

const VERSION_COLUMNS = sql`page_id, version, title, condition, author, approved_by, approved_on::text, review_by::text, demonstration,
  age_bands, sources, saved_by_name, saved_at::text`;

/** The latest version of every page in the ICS, by title. */
export function latestVersions(tx: Tx, icsId: string): Promise<PageVersionRow[]> {
  return rows<PageVersionRow>(tx, sql`SELECT DISTINCT ON (page_id) ${VERSION_COLUMNS} FROM advice_page_version
    WHERE ics_id = ${icsId}::uuid ORDER BY page_id, version DESC`).then((all) => all.sort((a, b) => a.title.localeCompare(b.title)));
}

/** The latest approved version of every page: what is sent while a newer draft waits for approval. */
export function latestApprovedVersions(tx: Tx, icsId: string): Promise<PageVersionRow[]> {
  return rows<PageVersionRow>(tx, sql`SELECT DISTINCT ON (page_id) ${VERSION_COLUMNS} FROM advice_page_version
    WHERE ics_id = ${icsId}::uuid AND approved_by IS NOT NULL ORDER BY page_id, version DESC`).then((all) => all.sort((a, b) => a.title.localeCompare(b.title)));
}

/** Every version of one page, newest first. */
export function versionsOf(tx: Tx, icsId: string, pageId: string): Promise<PageVersionRow[]> {
  return rows<PageVersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM advice_page_version WHERE ics_id = ${icsId}::uuid AND page_id = ${pageId} ORDER BY version DESC`);
}

export async function pageVersion(tx: Tx, icsId: string, pageId: string, version: number): Promise<PageVersionRow | undefined> {
  const [row] = await rows<PageVersionRow>(tx, sql`SELECT ${VERSION_COLUMNS} FROM advice_page_version WHERE ics_id = ${icsId}::uuid AND page_id = ${pageId} AND version = ${version}`);
  return row;
}

/** A new version; the primary key refuses a second save of the same number, so two racing saves cannot both land. */
export async function insertVersion(tx: Tx, icsId: string, page: AdvicePage, version: number, savedBy: { id: string | null; name: string }): Promise<void> {
  await tx.execute(sql`INSERT INTO advice_page_version (ics_id, page_id, version, title, condition, author, approved_by, approved_on, review_by,
      demonstration, age_bands, sources, saved_by, saved_by_name)
    VALUES (${icsId}::uuid, ${page.id}, ${version}, ${page.title}, ${page.condition}, ${page.author}, ${page.approvedBy}, ${page.approvedOn}::date,
      ${page.reviewBy}::date, ${page.demonstration}, ${JSON.stringify(page.ageBands)}::jsonb, ${JSON.stringify(page.sources)}::jsonb,
      ${savedBy.id}::uuid, ${savedBy.name})`);
}

export async function targetReadingAge(tx: Tx, icsId: string): Promise<number> {
  const [row] = await rows<{ target_reading_age: number }>(tx, sql`SELECT target_reading_age FROM advice_setting WHERE ics_id = ${icsId}::uuid`);
  return row?.target_reading_age ?? 11;
}

export async function setTargetReadingAge(tx: Tx, icsId: string, target: number): Promise<void> {
  await tx.execute(sql`INSERT INTO advice_setting (ics_id, target_reading_age) VALUES (${icsId}::uuid, ${target})
    ON CONFLICT (ics_id) DO UPDATE SET target_reading_age = EXCLUDED.target_reading_age`);
}

/** The child's registered practice and its number, as the record has them now. */
export async function practiceOf(tx: Tx, access: ChildAccess): Promise<{ name: string | null; phone: string | null }> {
  const { actor, childId } = checkedAccess(tx, access);
  const [row] = await rows<{ name: string; phone: string | null }>(tx, sql`SELECT o.name, o.phone FROM child c
    JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid`);
  return { name: row?.name ?? null, phone: row?.phone ?? null };
}

/** The hub of the child's registered practice, as the advice figures count it; null when the practice is in none. */
export async function hubOf(tx: Tx, access: ChildAccess): Promise<string | null> {
  const { actor, childId } = checkedAccess(tx, access);
  const [row] = await rows<{ cluster_id: string }>(tx, sql`SELECT cp.cluster_id FROM child c
    JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid LIMIT 1`);
  return row?.cluster_id ?? null;
}

export type NewSending = {
  id: string; note: string | null; source: AdviceSource; referralId: string | null; mdtCaseId: string | null;
  practice: { name: string | null; phone: string | null }; tokenHash: string; expiresAt: Date;
  pages: { pageId: string; version: number; fromMonths: number; toMonths: number }[];
};

export async function insertSending(tx: Tx, access: ChildAccess, s: NewSending): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO advice_sending (ics_id, id, child_id, note, source, referral_id, mdt_case_id, sent_by, sent_by_name, sent_by_role,
      practice_name, practice_phone, token_hash, link_expires_at)
    VALUES (${actor.icsId}::uuid, ${s.id}::uuid, ${childId}::uuid, ${s.note}, ${s.source}, ${s.referralId}::uuid, ${s.mdtCaseId}::uuid, ${actor.professionalId}::uuid,
      ${actor.name}, ${actor.role}, ${s.practice.name}, ${s.practice.phone}, ${s.tokenHash}, ${s.expiresAt.toISOString()}::timestamptz)`);
  for (const p of s.pages) {
    await tx.execute(sql`INSERT INTO advice_sending_page (ics_id, sending_id, page_id, version, from_months, to_months)
      VALUES (${actor.icsId}::uuid, ${s.id}::uuid, ${p.pageId}, ${p.version}, ${p.fromMonths}, ${p.toMonths})`);
  }
}

export type SentRow = {
  id: string; sent_at: string; sent_by_name: string; sent_by_role: string; source: string; note: string | null;
  first_opened_at: string | null; link_expires_at: string;
  pages: { pageId: string; title: string; version: number; fromMonths: number; toMonths: number; helpful: boolean | null }[];
};

/** What was sent to this child's family, newest first, each page with its version, band and the family's answer. */
export function sentTo(tx: Tx, access: ChildAccess): Promise<SentRow[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<SentRow>(tx, sql`SELECT s.id, s.sent_at::text, s.sent_by_name, s.sent_by_role, s.source, s.note, s.first_opened_at::text, s.link_expires_at::text,
      json_agg(json_build_object('pageId', p.page_id, 'title', v.title, 'version', p.version, 'fromMonths', p.from_months, 'toMonths', p.to_months,
        'helpful', p.helpful) ORDER BY v.title) AS pages
    FROM advice_sending s
    JOIN advice_sending_page p ON p.ics_id = s.ics_id AND p.sending_id = s.id
    JOIN advice_page_version v ON v.ics_id = p.ics_id AND v.page_id = p.page_id AND v.version = p.version
    WHERE s.ics_id = ${actor.icsId}::uuid AND s.child_id = ${childId}::uuid
    GROUP BY s.ics_id, s.id ORDER BY s.sent_at DESC`);
}

/** The ICS a one-time link belongs to, found by its hash before the tenant is known. */
export async function linkOwner(tx: Tx, tokenHash: string): Promise<{ ics_id: string; id: string } | undefined> {
  const [row] = await rows<{ ics_id: string; id: string }>(tx, sql`SELECT ics_id, id FROM joinery_advice_link_lookup(${tokenHash})`);
  return row;
}

/** The child a sending was made for: the id the door is asked about, read before it opens, nothing of the child. */
export async function childOfSending(tx: Tx, icsId: string, id: string): Promise<string | undefined> {
  const [row] = await rows<{ child_id: string }>(tx, sql`SELECT child_id FROM advice_sending WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid`);
  return row?.child_id;
}

/** The sending a link holder's access was opened for. */
function heldSending(tx: Tx, access: ChildAccess): { childId: string; sendingId: string } {
  const { actor, childId } = checkedAccess(tx, access);
  if (!actor.adviceLink) throw new Error('Only a link holder reads a sending through its link.');
  return { childId, sendingId: actor.adviceLink.sendingId };
}

export type LinkRow = { id: string; note: string | null; practice_name: string | null; practice_phone: string | null; device_hash: string | null; sent_at: string };

/** The sending behind a link, with only what the family's page shows of it: the note, and the practice as it was when sent. */
export function linkedSending(tx: Tx, access: ChildAccess): Promise<LinkRow | undefined> {
  return sendingOfChild(tx, access, heldSending(tx, access).sendingId);
}

/** One sending of the child the door opened, with only what the family's page shows of it; undefined when it is another child's. */
export async function sendingOfChild(tx: Tx, access: ChildAccess, sendingId: string): Promise<LinkRow | undefined> {
  const { actor, childId } = checkedAccess(tx, access);
  const [row] = await rows<LinkRow>(tx, sql`SELECT s.id, s.note, s.practice_name, s.practice_phone, s.device_hash, s.sent_at::text
    FROM advice_sending s WHERE s.ics_id = ${actor.icsId}::uuid AND s.id = ${sendingId}::uuid AND s.child_id = ${childId}::uuid`);
  return row;
}

/** The pages of a sending of the child the door opened (by default the link's), each as the version that was sent. */
export function pagesOfSending(
  tx: Tx, access: ChildAccess, sendingId = heldSending(tx, access).sendingId,
): Promise<(PageVersionRow & { from_months: number; to_months: number; helpful: boolean | null })[]> {
  const { actor, childId } = checkedAccess(tx, access);
  return rows(tx, sql`SELECT v.page_id, v.version, v.title, v.condition, v.author, v.approved_by, v.approved_on::text, v.review_by::text,
      v.demonstration, v.age_bands, v.sources, v.saved_by_name, v.saved_at::text, p.from_months, p.to_months, p.helpful
    FROM advice_sending s
    JOIN advice_sending_page p ON p.ics_id = s.ics_id AND p.sending_id = s.id
    JOIN advice_page_version v ON v.ics_id = p.ics_id AND v.page_id = p.page_id AND v.version = p.version
    WHERE s.ics_id = ${actor.icsId}::uuid AND s.id = ${sendingId}::uuid AND s.child_id = ${childId}::uuid ORDER BY v.title`);
}

/** The first open binds the link to this device; later opens count. Returns false when another device took it first. */
export async function bindDevice(tx: Tx, access: ChildAccess, deviceHash: string): Promise<boolean> {
  const { sendingId } = heldSending(tx, access);
  const bound = await rows<{ id: string }>(tx, sql`UPDATE advice_sending SET device_hash = ${deviceHash}, first_opened_at = now(), open_count = open_count + 1
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${sendingId}::uuid AND device_hash IS NULL RETURNING id`);
  return bound.length === 1;
}

export async function countOpen(tx: Tx, access: ChildAccess): Promise<void> {
  const { sendingId } = heldSending(tx, access);
  await tx.execute(sql`UPDATE advice_sending SET open_count = open_count + 1 WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${sendingId}::uuid`);
}

/** The family's answer for one page of a sending of the child the door opened (by default the link's); the page's title when it is one of them. */
export async function answerHelpful(tx: Tx, access: ChildAccess, pageId: string, helpful: boolean, sendingId = heldSending(tx, access).sendingId): Promise<string | undefined> {
  const { childId } = checkedAccess(tx, access);
  const [done] = await rows<{ title: string }>(tx, sql`UPDATE advice_sending_page p SET helpful = ${helpful}, answered_at = now()
    FROM advice_page_version v, advice_sending s WHERE p.ics_id = ${access.actor.icsId}::uuid AND p.sending_id = ${sendingId}::uuid AND p.page_id = ${pageId}
      AND v.ics_id = p.ics_id AND v.page_id = p.page_id AND v.version = p.version
      AND s.ics_id = p.ics_id AND s.id = p.sending_id AND s.child_id = ${childId}::uuid RETURNING v.title`);
  return done?.title;
}

/** The family read a sending on their own pages: it counts as opened, as the link's first open does. */
export async function markRead(tx: Tx, access: ChildAccess, sendingId: string): Promise<void> {
  const { childId } = checkedAccess(tx, access);
  // The time as a value: Citus refuses now() inside COALESCE in an UPDATE of a distributed table (decision 0029).
  await tx.execute(sql`UPDATE advice_sending SET first_opened_at = coalesce(first_opened_at, ${new Date().toISOString()}::timestamptz), open_count = open_count + 1
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${sendingId}::uuid AND child_id = ${childId}::uuid`);
}

/** A new link for a sending of this child's: the old hash is replaced and the device binding cleared. */
export async function replaceLink(tx: Tx, access: ChildAccess, id: string, tokenHash: string, expiresAt: Date): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const done = await rows<{ id: string }>(tx, sql`UPDATE advice_sending SET token_hash = ${tokenHash}, link_expires_at = ${expiresAt.toISOString()}::timestamptz,
      device_hash = NULL WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${childId}::uuid RETURNING id`);
  return done.length === 1;
}

export type SentForFhirRow = SentRow & { child_id: string; referral_id: string | null; sent_by: string };

/** `childIds`: many children at once (a Bulk Data export's chunk, each door opened by the caller). */
export type SentMatch = { id?: string; childId?: string; referralId?: string; childIds?: readonly string[] };

/**
 * Sendings by id, child or referral, for a caller that opens the door to the
 * child itself (the FHIR API): only what the Communication shows, of the
 * reader's ICS (named as a value, so Citus reads one shard).
 */
export function sentMatching(tx: Tx, icsId: string, f: SentMatch): Promise<SentForFhirRow[]> {
  const match = (column: SQL, v: string | undefined) => (v === undefined ? sql`true` : sql`${column} = ${v}::uuid`);
  const ofChildren = f.childIds ? sql`s.child_id = ANY(${`{${f.childIds.join(',')}}`}::uuid[])` : sql`true`;
  return rows<SentForFhirRow>(tx, sql`SELECT s.id, s.child_id, s.referral_id, s.sent_by, s.sent_at::text, s.sent_by_name, s.sent_by_role, s.source, s.note,
      s.first_opened_at::text, s.link_expires_at::text,
      json_agg(json_build_object('pageId', p.page_id, 'title', v.title, 'version', p.version, 'fromMonths', p.from_months, 'toMonths', p.to_months,
        'helpful', p.helpful) ORDER BY v.title) AS pages
    FROM advice_sending s
    JOIN advice_sending_page p ON p.ics_id = s.ics_id AND p.sending_id = s.id
    JOIN advice_page_version v ON v.ics_id = p.ics_id AND v.page_id = p.page_id AND v.version = p.version
    WHERE s.ics_id = ${icsId}::uuid AND ${match(sql`s.id`, f.id)} AND ${match(sql`s.child_id`, f.childId)} AND ${match(sql`s.referral_id`, f.referralId)} AND ${ofChildren}
    GROUP BY s.ics_id, s.id ORDER BY s.sent_at, s.id`);
}
