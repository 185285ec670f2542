import type { Communication } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { instant, pageOf } from './common.js';
import { seeFound, seePatient } from './access.js';
import { byChild, chunkChildIds, ofChunk } from './chunk.js';
import type { ChunkReading, Reading, ResourceHandler } from './handler.js';
import { basedOnParam, idsMatch, searchedFor } from './service-request.js';
import { threadMessage } from '../../referrals/service.js';
import { sentForFhir, type SentForFhirRow } from '../../advice/service.js';

/**
 * Each message in the secure thread on an advice request or referral (the
 * GP's question, the paediatrician's answers) as a Communication (id = the
 * message's), based on the referral; and each sending of safety-netting
 * advice to a family (id = the sending's), naming each advice page and the
 * version sent. Read only: both are sent on Joinery's pages, and never
 * changed once sent.
 */

/** The advice library's pages are named by id and version ("fever|3") in this system. */
export const ADVICE_PAGE_SYSTEM = 'https://joinery.nhs.uk/fhir/advice-page';

const WHAT = 'Advice and referral messages (FHIR Communication)';

type MessageRow = { id: string; referral_id: string; child_id: string; author_id: string; author_name: string; author_role: string; body: string; sent_at: string };

/** `chunk`: every child of a Bulk Data export's chunk, their doors opened by the caller. */
async function messages(r: Reading, f: { id?: string; childId?: string; referralId?: string; chunk?: ChunkReading }): Promise<MessageRow[]> {
  // The children's referrals found first (the child index), then their messages (the referral index), each naming its
  // child by a look-up: joined, an unanalysed database read every message of the ICS for each chunk (decision 0045).
  const ofChildren = f.childId || f.chunk
    ? sql`m.referral_id = ANY(ARRAY(SELECT k.id FROM referral k WHERE ${idsMatch(r, 'k', [[sql`k.child_id`, f.childId]])} AND ${ofChunk('k', f.chunk)}))`
    : sql`true`;
  return rows<MessageRow>(
    r.tx,
    sql`SELECT m.id, m.referral_id, (SELECT r.child_id FROM referral r WHERE r.ics_id = m.ics_id AND r.id = m.referral_id) AS child_id,
               m.author_id, m.author_name, m.author_role, m.body, m.sent_at
          FROM referral_message m
         WHERE ${threadMessage('m')} AND ${idsMatch(r, 'm', [[sql`m.id`, f.id], [sql`m.referral_id`, f.referralId]])} AND ${ofChildren}
         ORDER BY m.sent_at, m.id`,
  );
}

const toFhir = (m: MessageRow): Communication => ({
  resourceType: 'Communication',
  id: m.id,
  basedOn: [{ reference: `ServiceRequest/${m.referral_id}` }],
  status: 'completed',
  subject: { reference: `Patient/${m.child_id}` },
  sent: instant(m.sent_at),
  // The name and role as they were when the message was sent.
  sender: { reference: `Practitioner/${m.author_id}`, display: `${m.author_name} (${m.author_role})` },
  payload: [{ contentString: m.body }],
});

/** Advice sent to the family: to the child's parents (the recipient is the family, not a professional). */
const adviceToFhir = (s: SentForFhirRow): Communication => ({
  resourceType: 'Communication',
  id: s.id,
  ...(s.referral_id ? { basedOn: [{ reference: `ServiceRequest/${s.referral_id}` }] } : {}),
  status: 'completed',
  category: [{ text: 'Safety-netting advice for the family' }],
  subject: { reference: `Patient/${s.child_id}` },
  sent: instant(s.sent_at),
  sender: { reference: `Practitioner/${s.sent_by}`, display: `${s.sent_by_name} (${s.sent_by_role})` },
  payload: [
    ...s.pages.map((p) => ({
      contentReference: { identifier: { system: ADVICE_PAGE_SYSTEM, value: `${p.pageId}|${p.version}` }, display: `${p.title}, version ${p.version} (${p.fromMonths} to ${p.toMonths} months)` },
    })),
    ...(s.note ? [{ contentString: s.note }] : []),
  ],
});

/** Messages and advice sent, in the order sent (messages first when sent in the same instant). */
function inOrderSent(thread: MessageRow[], advice: SentForFhirRow[]): { child_id: string; at: string; resource: Communication }[] {
  return [...thread.map((m) => ({ child_id: m.child_id, at: instant(m.sent_at), resource: toFhir(m) })),
    ...advice.map((s) => ({ child_id: s.child_id, at: instant(s.sent_at), resource: adviceToFhir(s) }))].sort((a, b) => a.at.localeCompare(b.at));
}

async function both(r: Reading, f: { id?: string; childId?: string; referralId?: string }) {
  const [thread, advice] = await Promise.all([messages(r, f), sentForFhir(r.tx, r.actor.icsId, f)]);
  return inOrderSent(thread, advice);
}

/** Every child of an export's chunk, two statements for all of them: each child's as ofChild gives them. */
async function ofEachChild(r: ChunkReading): Promise<Communication[]> {
  const [thread, advice] = await Promise.all([messages(r, { chunk: r }), sentForFhir(r.tx, r.actor.icsId, { childIds: chunkChildIds(r) })]);
  const threads = byChild(thread);
  const sent = byChild(advice);
  return r.accesses.flatMap((a) => inOrderSent(threads.get(a.childId) ?? [], sent.get(a.childId) ?? []).map((c) => c.resource));
}

async function ofChild(r: Reading, childId: string): Promise<Communication[]> {
  await seePatient(r, childId, WHAT);
  return (await both(r, { childId })).map((c) => c.resource);
}

export const communicationHandler: ResourceHandler = {
  type: 'Communication',
  writable: false,
  documentation: 'Messages in the thread on an advice request or referral (based on its ServiceRequest): sender, when sent and the text; and safety-netting advice sent to the family, each advice page named by id and version. Read only.',
  searchParams: [{ name: 'patient', type: 'reference', documentation: 'The child (Patient/<id>): required unless based-on is given.' }, basedOnParam],
  read: async (r, id) => (await seeFound(r, both(r, { id }), WHAT)).resource,
  search: async (r, query, page) => pageOf((await both(r, await searchedFor(r, query, WHAT))).map((c) => c.resource), page),
  everything: ofChild,
  everyChild: ofEachChild,
};
