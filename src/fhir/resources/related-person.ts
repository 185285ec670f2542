import type { RelatedPerson } from '@medplum/fhirtypes';
import { saveRelatedPerson } from '../../children/service.js';
import { JOINERY_CS, PARENTAL_RESPONSIBILITY_URL, PROXY_ACCESS_URL, ROLE_CODE } from '../codes.js';
import { currentGrant, proxyGrantsOf, proxyGrantsOfEach, type ProxyGrantRow } from '../proxy-store.js';
import { identifiersOf, identifiersOfEach, saveLinks } from '../links.js';
import { notFound, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { inTurn, linkKeysOf, linkedMatch, metaOf, pageOf, patientParam } from './common.js';
import { identifiersThen, rowHistory } from './row-history.js';
import { requireRowVersion } from '../row-versions.js';
import { seeFound, seePatient } from './access.js';
import { keepAsSent } from './as-sent.js';
import { addressNotKept, namePartsNotKept, telecomNotKept } from './demographics-kept.js';
import type { Importing, Reading, ResourceHandler } from './handler.js';

/**
 * A parent or carer. Joinery keeps one person for all the children they care
 * for; FHIR's RelatedPerson belongs to one patient, so its id joins the
 * child's and the person's (64 hex digits).
 */
const ROLES: Record<string, { code: string; display: string }> = {
  mother: { code: 'MTH', display: 'mother' },
  father: { code: 'FTH', display: 'father' },
  parent: { code: 'PRN', display: 'parent' },
  grandparent: { code: 'GRPRN', display: 'grandparent' },
  'foster carer': { code: 'PRNFOST', display: 'foster parent' },
  'step-parent': { code: 'STPPRN', display: 'step parent' },
  guardian: { code: 'GUARD', display: 'guardian' },
};
const WORDS = Object.fromEntries(Object.entries(ROLES).map(([word, r]) => [r.code, word]));

const hex = (uuid: string) => uuid.replace(/-/g, '');
const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
export const relatedPersonId = (childId: string, personId: string) => hex(childId) + hex(personId);
export function splitRelatedPersonId(id: string): { childId: string; personId: string } | undefined {
  if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
  return { childId: uuid(id.slice(0, 32)), personId: uuid(id.slice(32)) };
}

/**
 * The proxy relationship (issue 16) as one complex extension: granted in
 * Joinery by a professional, so shown here and never taken from an import.
 */
function proxyExtension(g: ProxyGrantRow): NonNullable<RelatedPerson['extension']>[number] {
  return {
    url: PROXY_ACCESS_URL,
    extension: [
      { url: 'status', valueCode: g.status },
      ...(g.basis ? [{ url: 'basis', valueCoding: { system: `${JOINERY_CS}/parental-responsibility-evidence`, code: g.basis } }] : []),
      ...g.may_see.map((v) => ({ url: 'maySee', valueCode: v })),
      { url: 'granted', valueDateTime: new Date(g.granted_at).toISOString() },
      ...(g.ends_on ? [{ url: 'end', valueDate: g.ends_on }] : []),
    ],
  };
}

async function toFhir(r: Reading, p: store.RelatedRow, proxies?: ProxyGrantRow[]): Promise<RelatedPerson> {
  const identifiers = await identifiersOf(r.tx, r.actor.icsId, 'RelatedPerson', p.person_id);
  const proxy = (proxies ?? await proxyGrantsOf(r.tx, r.actor.icsId, p.child_id)).find((g) => g.related_person_id === p.person_id);
  return asRelatedPerson(p, identifiers, proxy);
}

function asRelatedPerson(p: store.RelatedRow, identifiers: { system: string; value: string }[], proxy: ProxyGrantRow | undefined): RelatedPerson {
  const role = ROLES[p.relationship];
  return {
    resourceType: 'RelatedPerson',
    id: relatedPersonId(p.child_id, p.person_id),
    meta: metaOf(p.version, p.updated_at),
    ...(identifiers.length ? { identifier: identifiers } : {}),
    extension: [{ url: PARENTAL_RESPONSIBILITY_URL, valueBoolean: p.parental_responsibility }, ...(proxy ? [proxyExtension(proxy)] : [])],
    active: true,
    patient: { reference: `Patient/${p.child_id}` },
    relationship: [role ? { coding: [{ system: ROLE_CODE, code: role.code, display: role.display }], text: p.relationship } : { text: p.relationship }],
    name: [{ family: p.family_name, given: [p.given_name] }],
    telecom: [
      ...(p.phone ? [{ system: 'phone' as const, value: p.phone }] : []),
      ...(p.email ? [{ system: 'email' as const, value: p.email }] : []),
    ],
    address: p.address ? [{ text: p.address }] : undefined,
  };
}

/** Whatever the carer's row does not hold, named in warnings (nothing silently lost). */
async function notKept(i: Importing, r: RelatedPerson) {
  const { warnings } = await keepAsSent(i, r, {
    mapped: ['identifier', 'active', 'patient', 'relationship', 'name', 'telecom', 'address'], kept: [], extensionUrls: [PARENTAL_RESPONSIBILITY_URL, PROXY_ACCESS_URL],
  });
  return [
    ...warnings,
    ...(r.relationship ?? []).slice(1).map((_, n) => ({
      severity: 'warning' as const, code: 'not-supported' as const, expression: `RelatedPerson.relationship[${n + 1}]`,
      text: 'Joinery keeps one relationship to the child: only the first was saved.',
    })),
    ...namePartsNotKept('RelatedPerson', r.name, 0),
    ...telecomNotKept('RelatedPerson', r.telecom, ['phone', 'email']),
    ...addressNotKept('RelatedPerson', r.address, 'text'),
  ];
}

async function write(i: Importing, r: RelatedPerson, targetId?: string, expectedVersion?: number) {
  // A carer Joinery holds is served as active: one sent as inactive is refused rather than shown as current.
  if (r.active === false) throw unprocessable('Joinery keeps only current carers: it cannot record one as inactive.', 'RelatedPerson.active');
  const patient = await i.resolve(r.patient, ['Patient'], 'RelatedPerson.patient');
  const target = targetId ? splitRelatedPersonId(targetId) : undefined;
  if (target) await requireRowVersion(i.tx, i.actor.icsId, 'child_related_person', target, expectedVersion, `RelatedPerson/${targetId}`);
  const name = r.name?.[0];
  const relationship = r.relationship?.[0];
  const word = relationship?.text?.trim().toLowerCase() || WORDS[relationship?.coding?.find((c) => c.system === ROLE_CODE)?.code ?? ''];
  if (!word) throw unprocessable('Say how this person is related to the child (relationship text or a v3 RoleCode).', 'RelatedPerson.relationship');
  const pr = r.extension?.find((e) => e.url === PARENTAL_RESPONSIBILITY_URL)?.valueBoolean;
  const keys = linkKeysOf(i, r, targetId);
  const personId = targetId ? splitRelatedPersonId(targetId)?.personId : undefined;
  if (targetId && !personId) throw notFound();
  const matchId = await linkedMatch(i, 'RelatedPerson', keys, personId);
  const saved = await saveRelatedPerson(i.tx, i.actor, patient.id, {
    givenName: name?.given?.join(' ') ?? '',
    familyName: name?.family ?? '',
    relationship: word,
    parentalResponsibility: pr ?? false,
    phone: r.telecom?.find((t) => t.system === 'phone')?.value ?? null,
    email: r.telecom?.find((t) => t.system === 'email')?.value ?? null,
    address: r.address?.[0] ? (r.address[0].text ?? [...(r.address[0].line ?? []), r.address[0].city, r.address[0].postalCode].filter(Boolean).join(', ')) || null : null,
  }, { matchId });
  await saveLinks(i.tx, i.actor.icsId, 'RelatedPerson', saved.relatedPersonId, keys);
  const warnings = await notKept(i, r);
  return { id: relatedPersonId(patient.id, saved.relatedPersonId), outcome: saved.outcome, ...(warnings.length ? { warnings } : {}) };
}

const WHAT = 'Carers (FHIR RelatedPerson)';

async function everyone(r: Reading, childId: string): Promise<RelatedPerson[]> {
  await seePatient(r, childId, WHAT);
  const proxies = await proxyGrantsOf(r.tx, r.actor.icsId, childId);
  return inTurn(await store.relatedPeople(r.tx, childId), (p) => toFhir(r, p, proxies));
}

const PATHS: Record<string, string> = {
  givenName: 'RelatedPerson.name.given', familyName: 'RelatedPerson.name.family', relationship: 'RelatedPerson.relationship',
  parentalResponsibility: 'RelatedPerson.extension', phone: 'RelatedPerson.telecom', email: 'RelatedPerson.telecom', address: 'RelatedPerson.address',
};

export const relatedPersonHandler: ResourceHandler = {
  type: 'RelatedPerson',
  writable: true,
  documentation: 'Carers and people with parental responsibility (extension parental-responsibility), with phone, email and address; '
    + 'their proxy access to the child’s information online (extension proxy-access: status, evidence of parental responsibility, what it covers, end date), read only: granted in Joinery, never by import.',
  searchParams: [{ name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' }],
  async read(r, id) {
    const key = splitRelatedPersonId(id);
    if (!key) throw notFound();
    return toFhir(r, await seeFound(r, store.relatedPeople(r.tx, key.childId, key.personId), WHAT));
  },
  search: async (r, query, page) => pageOf(await everyone(r, patientParam(query)!), page),
  everything: (r, childId) => everyone(r, childId),
  async everyChild(r) {
    const childIds = r.accesses.map((a) => a.childId);
    const people = await store.relatedPeopleOfEach(r.tx, r.actor.icsId, childIds);
    const identifiers = await identifiersOfEach(r.tx, r.actor.icsId, 'RelatedPerson', [...new Set(people.map((p) => p.person_id))]);
    const proxies = await proxyGrantsOfEach(r.tx, r.actor.icsId, childIds);
    return people.map((p) => asRelatedPerson(p, identifiers.get(p.person_id) ?? [], proxies.get(p.child_id)?.find((g) => g.related_person_id === p.person_id)));
  },
  write: (i, resource, targetId, expectedVersion) => write(i, resource as RelatedPerson, targetId, expectedVersion),
  fieldPath: (field) => PATHS[field],
  versioned: true,
  async history(r, id) {
    const current = await relatedPersonHandler.read(r, id);
    return rowHistory(r, current, 'child_related_person', splitRelatedPersonId(id)!, (snapshot, kept) => {
      const person = snapshot.person as { id: string; given_name: string; family_name: string; phone: string | null; email: string | null; address: string | null };
      const row = {
        ...(snapshot as unknown as store.RelatedRow), person_id: person.id, given_name: person.given_name, family_name: person.family_name,
        phone: person.phone, email: person.email, address: person.address, version: kept.version, updated_at: kept.written_at,
      };
      return asRelatedPerson(row, identifiersThen(snapshot), currentGrant(snapshot.proxy_grants as ProxyGrantRow[]));
    });
  },
};
