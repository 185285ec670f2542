import type { Encounter } from '@medplum/fhirtypes';
import { contactsOfEach, listContacts, recordContact, type ContactRow } from '../../record/service.js';
import { CONTACT_TYPES, NOT_ATTENDED, type ContactType } from '../../record/index.js';
import type { Tx } from '../../platform/db/client.js';
import { saveLinks } from '../links.js';
import { keepAsSent, withAsSent, type Elements } from './as-sent.js';
import { ACT_CODE, ACT_PRIORITY, CONTACT_TYPE_SYSTEM, SNOMED } from '../codes.js';
import { notFound, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { codeIn, concept, dateRange, identifierOut, instant, linkKeysOf, metaOf, patientParam, sensitiveFrom, sourceOf, tokenParam } from './common.js';
import { organisationThen, rowHistory } from './row-history.js';
import { requireRowVersion } from '../row-versions.js';
import type { Importing, Reading, ResourceHandler } from './handler.js';

const LABELS: Record<ContactType, string> = {
  ed: 'Emergency department attendance', 'urgent-care': 'Urgent care attendance', 'out-of-hours': 'Out-of-hours contact', admission: 'Hospital admission',
  outpatient: 'Outpatient appointment', gp: 'GP consultation', community: 'Community health contact', 'mental-health': 'Mental health contact',
  'social-care': 'Social care contact',
};
/** The encounter class (HL7 v3 ActCode) each kind of contact is. */
const CLASS: Record<ContactType, string> = {
  ed: 'EMER', 'urgent-care': 'EMER', 'out-of-hours': 'AMB', admission: 'IMP', outpatient: 'AMB', gp: 'AMB', community: 'HH', 'mental-health': 'AMB', 'social-care': 'HH',
};
/** Classes (v3 ActCode) that say the contact on their own, whoever gave it. */
const FROM_CLASS: Record<string, ContactType> = {
  EMER: 'ed', IMP: 'admission', ACUTE: 'admission', NONAC: 'admission', SS: 'admission', OBSENC: 'admission', HH: 'community', FLD: 'community',
};
/**
 * Ambulatory, virtual and pre-admission contacts are what the organisation
 * is: at a GP practice a GP consultation, never a hospital outpatient
 * appointment (which the outpatient indicators count).
 */
const BY_KIND: Record<string, ContactType> = {
  'gp-practice': 'gp', 'acute-trust': 'outpatient', 'community-provider': 'community', 'mental-health-trust': 'mental-health',
  'childrens-social-care': 'social-care', school: 'community',
};
const BY_PROVIDER = ['AMB', 'VR', 'PRENC'];

/** Kinds of the organisations looked up in this transaction: a feed's thousand encounters at one practice ask once. */
const kinds = new WeakMap<Tx, Map<string, string | undefined>>();
async function kindOf(tx: Tx, icsId: string, organisationId: string): Promise<string | undefined> {
  const known = kinds.get(tx) ?? new Map<string, string | undefined>();
  kinds.set(tx, known);
  if (!known.has(organisationId)) known.set(organisationId, (await store.organisations(tx, { icsId, id: organisationId })).found[0]?.kind);
  return known.get(organisationId);
}

/** What is kept as sent: the sender's own class and type codings, every reason, the rest of what they say of the contact. */
const ELEMENTS: Elements = {
  mapped: ['identifier', 'status', 'class', 'type', 'priority', 'subject', 'period', 'reasonCode', 'serviceProvider'],
  kept: [
    'extension', 'identifier', 'statusHistory', 'class', 'classHistory', 'type', 'serviceType', 'priority', 'episodeOfCare', 'basedOn', 'participant', 'appointment',
    'period', 'length', 'reasonCode', 'reasonReference', 'diagnosis', 'hospitalization', 'location', 'partOf',
  ],
};

function toFhir(c: ContactRow): Encounter {
  const ours: Encounter = {
    resourceType: 'Encounter',
    id: c.id,
    meta: metaOf(c.version, c.updated_at),
    identifier: identifierOut(c.source_system, c.source_id),
    status: (c.status ?? (c.ended_at ? 'finished' : 'in-progress')) as Encounter['status'],
    class: { system: ACT_CODE, code: CLASS[c.type] },
    type: [{ coding: [{ system: CONTACT_TYPE_SYSTEM, code: c.type, display: LABELS[c.type] }], text: LABELS[c.type] }],
    ...(c.emergency === null ? {} : { priority: { coding: [{ system: ACT_PRIORITY, code: c.emergency ? 'EM' : 'R' }] } }),
    subject: { reference: `Patient/${c.child_id}` },
    period: { start: instant(c.started_at), ...(c.ended_at ? { end: instant(c.ended_at) } : {}) },
    reasonCode: c.reason_display ? [concept(SNOMED, c.reason_code, c.reason_display)] : undefined,
    serviceProvider: c.organisation_id ? { reference: `Organization/${c.organisation_id}`, display: (c as { organisation_name?: string }).organisation_name ?? undefined } : undefined,
  };
  const sent = c.as_sent as { class?: Encounter['class']; type?: Encounter['type'] } | null;
  // The sender's class and types are theirs; Joinery's contact type goes first among the types.
  const out = withAsSent(ours, c.as_sent && Object.fromEntries(Object.entries(c.as_sent).filter(([k]) => k !== 'class' && k !== 'type')), ELEMENTS);
  const theirs = (sent?.type ?? []).filter((t) => !t.coding?.some((c) => c.system === CONTACT_TYPE_SYSTEM));
  return { ...out, ...(sent?.class ? { class: sent.class } : {}), type: [...ours.type!, ...theirs] };
}

/** Every status R4 gives an encounter: those that took place are attendances; the others are kept but never counted. */
const ACCEPTED = ['arrived', 'triaged', 'in-progress', 'onleave', 'finished', ...NOT_ATTENDED];
const dateTime = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

async function write(i: Importing, e: Encounter) {
  const subject = await i.resolve(e.subject, ['Patient'], 'Encounter.subject');
  if (!ACCEPTED.includes(e.status)) throw unprocessable(`Joinery records contacts that took place (${ACCEPTED.join(', ')}); not ${e.status}.`, 'Encounter.status');
  if (!e.period?.start) throw unprocessable('Give when the contact started.', 'Encounter.period.start');
  const org = e.serviceProvider ? await i.resolve(e.serviceProvider, ['Organization'], 'Encounter.serviceProvider') : undefined;
  const typed = e.type?.map((t) => codeIn(t, CONTACT_TYPE_SYSTEM)).find(Boolean);
  const klass = e.class?.system === ACT_CODE ? (e.class.code ?? '') : '';
  const type = (typed ?? FROM_CLASS[klass] ?? (BY_PROVIDER.includes(klass) && org ? BY_KIND[(await kindOf(i.tx, i.actor.icsId, org.id)) ?? ''] : undefined)) as ContactType | undefined;
  if (!type || !CONTACT_TYPES.includes(type)) {
    throw unprocessable(
      `Say what kind of contact this was: a type in ${CONTACT_TYPE_SYSTEM} (${CONTACT_TYPES.join(', ')}), a class EMER, IMP, ACUTE, NONAC, SS, OBSENC, HH or FLD, `
        + 'or a class AMB, VR or PRENC with the serviceProvider whose kind says what the contact was (a GP practice, a hospital trust…).',
      'Encounter.type',
    );
  }
  const kept = await keepAsSent(i, e, ELEMENTS);
  const reason = e.reasonCode?.[0];
  const priority = codeIn(e.priority, ACT_PRIORITY);
  const { contact, outcome } = await recordContact(i.tx, i.actor, subject.id, {
    type,
    startedAt: dateTime(e.period.start)!,
    endedAt: dateTime(e.period.end) ?? null,
    organisationId: org?.id ?? null,
    reasonCode: reason?.coding?.find((c) => c.system === SNOMED)?.code ?? null,
    reasonDisplay: reason ? (reason.text ?? reason.coding?.find((c) => c.display)?.display ?? null) : null,
    emergency: priority === 'EM' ? true : priority ? false : null,
    sensitiveCategory: sensitiveFrom(e.meta),
    ...sourceOf(i, e),
    asSent: kept.asSent,
    status: e.status,
  });
  // The sender's id and identifiers for it, so what refers to it (Observation.encounter) in the same feed finds it.
  if (outcome === 'created') await saveLinks(i.tx, i.actor.icsId, 'Encounter', contact.id, linkKeysOf(i, e));
  const warnings = [
    ...kept.warnings,
    // A contact once recorded stays as it was: a later change from the sender is not applied.
    ...(outcome === 'unchanged'
      ? [{ severity: 'information' as const, code: 'informational' as const, text: 'This contact was already recorded; a recorded contact is not changed by a later import.' }]
      : []),
  ];
  return { id: contact.id, outcome, ...(warnings.length ? { warnings } : {}) };
}

/** A defensive second line, as for entries: a sensitive contact never goes to a system. */
const servable = (c: ContactRow) => c.sensitive_category === null;

async function all(r: Reading, childId: string, filter: { types?: ContactType[]; from?: string; to?: string } = {}) {
  const out: ContactRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const { contacts } = await listContacts(r.tx, r.actor, childId, { ...filter, limit: 500, offset, withNotAttended: true });
    out.push(...contacts.filter(servable));
    if (contacts.length < 500) return out;
  }
}

const PATHS: Record<string, string> = {
  type: 'Encounter.type', startedAt: 'Encounter.period.start', endedAt: 'Encounter.period.end', organisationId: 'Encounter.serviceProvider',
  reasonCode: 'Encounter.reasonCode', reasonDisplay: 'Encounter.reasonCode.text', emergency: 'Encounter.priority', sensitiveCategory: 'Encounter.meta.security',
  sourceSystem: 'Encounter.identifier.system', sourceId: 'Encounter.identifier.value',
};

/** A contact with a service (the record's timeline): ED, admission, outpatient, GP, community, mental health, social care. */
export const encounterHandler: ResourceHandler = {
  type: 'Encounter',
  writable: true,
  documentation: `Contacts with services (the timeline), typed in ${CONTACT_TYPE_SYSTEM}: ${CONTACT_TYPES.join(', ')}. A recorded contact is not changed by a later import.`,
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' },
    { name: 'date', type: 'date', documentation: 'When the contact started (eq, ge, gt, le, lt; a day, month or year).' },
    { name: 'type', type: 'token', documentation: `The kind of contact (${CONTACT_TYPE_SYSTEM}|ed).` },
  ],
  async read(r, id) {
    const childId = await store.contactChild(r.tx, r.actor.icsId, id);
    if (!childId) throw notFound();
    const found = (await all(r, childId)).find((c) => c.id === id);
    if (!found) throw notFound();
    return toFhir(found);
  },
  async search(r, query, page) {
    const childId = patientParam(query)!;
    const type = tokenParam(query, 'type', [CONTACT_TYPE_SYSTEM]);
    const { from, to } = dateRange(query, 'date');
    if (type === null || (type !== undefined && !CONTACT_TYPES.includes(type as ContactType)) || (from && to && from > to)) {
      await listContacts(r.tx, r.actor, childId, { limit: 0 });
      return { resources: [], total: 0 };
    }
    const { contacts, total } = await listContacts(r.tx, r.actor, childId, {
      types: type ? [type as ContactType] : undefined, from, to, limit: page.count, offset: page.offset, withNotAttended: true,
    });
    return { resources: contacts.filter((c) => c.sensitive_category === null).map(toFhir), total };
  },
  everything: async (r, childId) => (await all(r, childId)).map(toFhir),
  everyChild: async (r) => (await contactsOfEach(r.tx, r.accesses, { withNotAttended: true })).filter(servable).map(toFhir),
  write: async (i, resource, targetId, expectedVersion) => {
    if (targetId) await requireRowVersion(i.tx, i.actor.icsId, 'contact', targetId, expectedVersion, `Encounter/${targetId}`);
    const written = await write(i, resource as Encounter);
    // PUT of a recorded contact is fine only as what it already is.
    if (targetId && written.id !== targetId) throw unprocessable('A recorded contact is not changed: its identifier names a different contact.', 'Encounter.identifier');
    return written;
  },
  fieldPath: (field) => PATHS[field],
  versioned: true,
  async history(r, id) {
    const current = await encounterHandler.read(r, id);
    return rowHistory(r, current, 'contact', id, (snapshot, kept) =>
      toFhir({ ...(snapshot as unknown as ContactRow), organisation_name: organisationThen(snapshot)?.name ?? null, version: kept.version, updated_at: kept.written_at }));
  },
};
