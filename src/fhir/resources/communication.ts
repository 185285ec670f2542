import type { Communication } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { instant, pageOf } from './common.js';
import { seeFound, seePatient } from './access.js';
import type { Reading, ResourceHandler } from './handler.js';
import { basedOnParam, idsMatch, searchedFor } from './service-request.js';
import { threadMessage } from '../../referrals/service.js';

/**
 * Each message in the secure thread on an advice request or referral (the
 * GP's question, the paediatrician's answers) as a Communication (id = the
 * message's), based on the referral. Read only: messages are sent on
 * Joinery's pages, and never changed once sent.
 */

const WHAT = 'Advice and referral messages (FHIR Communication)';

type MessageRow = { id: string; referral_id: string; child_id: string; author_id: string; author_name: string; author_role: string; body: string; sent_at: string };

async function messages(r: Reading, f: { id?: string; childId?: string; referralId?: string }): Promise<MessageRow[]> {
  return rows<MessageRow>(
    r.tx,
    sql`SELECT m.id, m.referral_id, r.child_id, m.author_id, m.author_name, m.author_role, m.body, m.sent_at
          FROM referral_message m JOIN referral r ON r.ics_id = m.ics_id AND r.id = m.referral_id
         WHERE ${threadMessage('m')} AND ${idsMatch([[sql`m.id`, f.id], [sql`r.child_id`, f.childId], [sql`m.referral_id`, f.referralId]])}
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

async function ofChild(r: Reading, childId: string): Promise<Communication[]> {
  await seePatient(r, childId, WHAT);
  return (await messages(r, { childId })).map(toFhir);
}

export const communicationHandler: ResourceHandler = {
  type: 'Communication',
  writable: false,
  documentation: 'Messages in the thread on an advice request or referral (based on its ServiceRequest): sender, when sent and the text. Read only.',
  searchParams: [{ name: 'patient', type: 'reference', documentation: 'The child (Patient/<id>): required unless based-on is given.' }, basedOnParam],
  read: async (r, id) => toFhir(await seeFound(r, messages(r, { id }), WHAT)),
  search: async (r, query, page) => pageOf((await messages(r, await searchedFor(r, query, WHAT))).map(toFhir), page),
  everything: ofChild,
};
