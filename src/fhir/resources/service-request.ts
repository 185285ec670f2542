import type { Annotation, ServiceRequest } from '@medplum/fhirtypes';
import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import type { ReferralKind, ReferralState, Urgency } from '../../referrals/index.js';
import { REFERRAL_KIND_SYSTEM, SNOMED } from '../codes.js';
import { badRequest } from '../outcome.js';
import { codeParam, instant, metaOf, pageOf, patientParam, single } from './common.js';
import { seeFound, seePatient } from './access.js';
import { inChildOrder, ofChunk } from './chunk.js';
import type { ChunkReading, Query, Reading, ResourceHandler } from './handler.js';

/**
 * A GP's advice request or referral to the child health hub as a
 * ServiceRequest (id = the referral's). Read only: referrals are made and
 * decided on Joinery's pages, where the state machine keeps them in order.
 */

const WHAT = 'Referrals and advice requests (FHIR ServiceRequest)';

/**
 * Referred on is still active: the hub has handed the child to another
 * service, but the referral waits for that service to accept before it closes.
 */
const STATUS: Record<ReferralState, ServiceRequest['status']> = {
  'awaiting-triage': 'active', 'advice-given': 'active', 'awaiting-booking': 'active', booked: 'active', 'did-not-attend': 'active', seen: 'active',
  mdt: 'active', ambulatory: 'active', 'referred-on': 'active', 'urgent-same-day': 'active', returned: 'on-hold', withdrawn: 'revoked', closed: 'completed',
};
const STATUSES = ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'] as const;

/** FHIR's priorities are ordered routine < urgent < asap, so "soon" is urgent and Joinery's "urgent" is asap: order kept, nothing merged. */
const PRIORITY: Record<Urgency, NonNullable<ServiceRequest['priority']>> = { routine: 'routine', soon: 'urgent', urgent: 'asap' };

const KIND_LABEL: Record<ReferralKind, string> = { advice: 'Advice request', referral: 'Referral' };

/** A referral also carries SNOMED's Patient referral; an advice request has no standard code, so only Joinery's. */
const category = (kind: ReferralKind) => ({
  coding: [
    ...(kind === 'referral' ? [{ system: SNOMED, code: '3457005', display: 'Patient referral' }] : []),
    { system: REFERRAL_KIND_SYSTEM, code: kind, display: KIND_LABEL[kind] },
  ],
  text: KIND_LABEL[kind],
});

type ReferralRow = {
  id: string; child_id: string; kind: ReferralKind; urgency: Urgency; state: ReferralState; reason: string; question: string; tried: string;
  outcome_notes: string | null; referred_on_service: string | null; referrer_id: string; referrer_name: string; decision_maker_id: string;
  decision_maker_name: string; cluster_name: string; version: number; created_at: string; updated_at: string;
};

/**
 * SQL: the row (its table's alias) is in the reader's ICS, named as a value so
 * Citus reads one shard whatever else is asked; and each column equals its id,
 * for the ids given (none: every row of the ICS).
 */
export const idsMatch = (r: Reading, alias: string, pairs: [SQL, string | undefined][]): SQL =>
  sql.join([sql`${sql.raw(alias)}.ics_id = ${r.actor.icsId}::uuid`, ...pairs.filter(([, v]) => v !== undefined).map(([column, v]) => sql`${column} = ${v}::uuid`)], sql` AND `);

/** `chunk`: every child of a Bulk Data export's chunk, their doors opened by the caller. */
async function referrals(r: Reading, f: { id?: string; childId?: string; chunk?: ChunkReading }): Promise<ReferralRow[]> {
  return rows<ReferralRow>(
    r.tx,
    // The names looked up for each referral found (keys that must exist), so the referrals are found first
    // whatever the planner knows of professional: joined, an unanalysed table once made a chunk's read 40 s.
    sql`SELECT r.id, r.child_id, r.kind, r.urgency, r.state, r.reason, r.question, r.tried, r.outcome_notes, r.referred_on_service,
               r.referrer_id, (SELECT rp.name FROM professional rp WHERE rp.ics_id = r.ics_id AND rp.id = r.referrer_id) AS referrer_name,
               r.decision_maker_id, (SELECT dm.name FROM professional dm WHERE dm.ics_id = r.ics_id AND dm.id = r.decision_maker_id) AS decision_maker_name,
               (SELECT cl.name FROM cluster cl WHERE cl.ics_id = r.ics_id AND cl.id = r.cluster_id) AS cluster_name,
               r.version, r.created_at, r.updated_at
          FROM referral r
         WHERE ${idsMatch(r, 'r', [[sql`r.id`, f.id], [sql`r.child_id`, f.childId]])} AND ${ofChunk('r', f.chunk)}
         ORDER BY r.created_at, r.id`,
  );
}

function toFhir(x: ReferralRow): ServiceRequest {
  const notes: Annotation[] = [
    { text: `Question: ${x.question}` },
    ...(x.tried ? [{ text: `What has been tried: ${x.tried}` }] : []),
    ...(x.referred_on_service ? [{ text: `Referred on to: ${x.referred_on_service}` }] : []),
    ...(x.outcome_notes ? [{ text: `Latest decision: ${x.outcome_notes}` }] : []),
  ];
  return {
    resourceType: 'ServiceRequest',
    id: x.id,
    meta: metaOf(x.version, x.updated_at),
    status: STATUS[x.state],
    intent: 'order',
    category: [category(x.kind)],
    priority: PRIORITY[x.urgency],
    code: { text: `${KIND_LABEL[x.kind]} to ${x.cluster_name}` },
    subject: { reference: `Patient/${x.child_id}` },
    authoredOn: instant(x.created_at),
    requester: { reference: `Practitioner/${x.referrer_id}`, display: x.referrer_name },
    performer: [{ reference: `Practitioner/${x.decision_maker_id}`, display: x.decision_maker_name }],
    reasonCode: [{ text: x.reason }],
    note: notes,
  };
}

/** The referral, once the actor may see its child (audited); 404 when there is none in this ICS. */
const referralFor = (r: Reading, id: string, what: string): Promise<ReferralRow> => seeFound(r, referrals(r, { id }), what);

const BASED_ON = /^(?:ServiceRequest\/)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export const basedOnParam = { name: 'based-on', type: 'reference' as const, documentation: 'The referral (ServiceRequest/<id>); patient may then be left out.' };

/**
 * Whose rows an Appointment or Communication search asks for: the child
 * (patient), one referral (based-on), or both. Access is checked, and the
 * read audited, on the child either names.
 */
export async function searchedFor(r: Reading, query: Query, what: string): Promise<{ childId: string; referralId?: string }> {
  const basedOn = single(query, 'based-on');
  if (basedOn === undefined) {
    const childId = patientParam(query)!;
    await seePatient(r, childId, what);
    return { childId };
  }
  const m = BASED_ON.exec(basedOn);
  if (!m) throw badRequest('based-on must be ServiceRequest/<id>.', 'based-on');
  const referral = await referralFor(r, m[1].toLowerCase(), what);
  // A patient other than the referral's matches nothing, and reveals nothing.
  return { childId: patientParam(query, false) ?? referral.child_id, referralId: referral.id };
}

async function ofChild(r: Reading, childId: string): Promise<ServiceRequest[]> {
  await seePatient(r, childId, WHAT);
  return (await referrals(r, { childId })).map(toFhir);
}

export const serviceRequestHandler: ResourceHandler = {
  type: 'ServiceRequest',
  writable: false,
  documentation: 'GPs’ advice requests and referrals to the child health hub (category says which), with the question, what has been tried and the latest decision as notes. Read only.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'status', type: 'token', documentation: 'active, on-hold (returned to the referrer), revoked (withdrawn) or completed (closed).' },
  ],
  read: async (r, id) => toFhir(await referralFor(r, id, WHAT)),
  async search(r, query, page) {
    const status = codeParam(query, 'status', STATUSES);
    const all = await ofChild(r, patientParam(query)!);
    return pageOf(all.filter((x) => !status || x.status === status), page);
  },
  everything: ofChild,
  everyChild: async (r) => inChildOrder(r, await referrals(r, { chunk: r })).map(toFhir),
};
