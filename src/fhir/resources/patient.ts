import type { Identifier, Patient } from '@medplum/fhirtypes';
import { fhirPolicy } from '../policy.js';
import { auditListedChildren } from '../../platform/access/door.js';
import { ForbiddenError } from '../../platform/http/errors.js';
import { registerChild } from '../../children/service.js';
import { ETHNIC_CATEGORIES } from '../../children/index.js';
import { ETHNIC_CATEGORY_SYSTEM, ETHNIC_CATEGORY_URL, IDENTITY_STATUS_SYSTEM, JOINERY, NHS_NUMBER_SYSTEM, ODS_SYSTEM } from '../codes.js';
import { linkTarget, saveLinks } from '../links.js';
import { badRequest, notFound, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { dateRange, linkKeysOf, linkedMatch, metaOf } from './common.js';
import { identifiersThen, organisationThen, rowHistory } from './row-history.js';
import { requireRowVersion } from '../row-versions.js';
import { seeChildReading } from './access.js';
import type { Importing, Query, Reading, ResourceHandler } from './handler.js';
import { keepAsSent } from './as-sent.js';
import { addressNotKept, namePartsNotKept } from './demographics-kept.js';

/** Where a local identifier goes when the sender's system for it is not known. */
export const LOCAL_ID_SYSTEM = `${JOINERY}/Id/local`;

function toFhir(c: store.PatientRow): Patient {
  const identifiers: Identifier[] = [];
  if (c.nhs_number) identifiers.push({ system: NHS_NUMBER_SYSTEM, value: c.nhs_number });
  const local = c.identifiers;
  identifiers.push(...local);
  if (c.local_id && !local.some((l) => l.value === c.local_id)) identifiers.push({ system: LOCAL_ID_SYSTEM, value: c.local_id });
  return {
    resourceType: 'Patient',
    id: c.id,
    meta: {
      ...metaOf(c.version, c.updated_at),
      // No NHS number: kept with a local identifier, and not yet matched to a verified identity.
      ...(c.nhs_number ? {} : { tag: [{ system: IDENTITY_STATUS_SYSTEM, code: 'unverified', display: 'No NHS number: identity not verified' }] }),
    },
    extension: c.ethnic_category && c.ethnic_category !== '99'
      ? [{ url: ETHNIC_CATEGORY_URL, valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code: c.ethnic_category, display: ETHNIC_CATEGORIES[c.ethnic_category] }] } }]
      : undefined,
    identifier: identifiers,
    active: true,
    name: [{ use: 'official', family: c.family_name, given: [c.given_name] }],
    gender: c.sex as Patient['gender'],
    birthDate: c.date_of_birth,
    address: c.postcode_district ? [{ postalCode: c.postcode_district }] : undefined,
    generalPractitioner: c.practice_id
      ? [{ reference: `Organization/${c.practice_id}`, identifier: { system: ODS_SYSTEM, value: c.practice_ods! }, display: c.practice_name! }]
      : undefined,
  };
}

const values = (query: Query, name: string) => (query.get(name) ?? []).flatMap((v) => {
  if (v.includes(',')) throw badRequest(`Give one value per ${name} (repeat the parameter to AND them).`, name);
  return [v.trim()];
}).filter(Boolean);

async function criteria(r: Reading, query: Query): Promise<store.PatientCriteria> {
  const c: store.PatientCriteria = {};
  const ids = values(query, '_id');
  if (ids.length) c.ids = ids.filter((id) => /^[0-9a-fA-F-]{36}$/.test(id)).map((id) => id.toLowerCase());
  for (const v of values(query, 'identifier')) {
    const bar = v.indexOf('|');
    const system = bar < 0 ? NHS_NUMBER_SYSTEM : v.slice(0, bar);
    const value = bar < 0 ? v : v.slice(bar + 1);
    if (!value) throw badRequest('Give a value after the | in identifier.', 'identifier');
    if (system === NHS_NUMBER_SYSTEM || system === '') c.nhsNumber = value.replace(/\s/g, '');
    else {
      const target = await linkTarget(r.tx, r.actor.icsId, 'Patient', { kind: 'identifier', system, value });
      c.linkedIds = target ? [target] : [];
    }
  }
  for (const name of ['name', 'family', 'given'] as const) {
    const given = values(query, name);
    if (given.some((v) => v.length > 100)) throw badRequest(`${name} must be 100 characters or fewer.`, name);
    if (given.length) c[name] = given;
  }
  const { from, to } = dateRange(query, 'birthdate');
  c.birthFrom = from;
  c.birthTo = to;
  // search-chains.ts has read each _has into the entry kind and the codes it names.
  const has = values(query, '_has');
  if (has.length) c.hasEntries = has.map((h) => ({ kind: h.slice(0, h.indexOf(':')), codes: h.slice(h.indexOf(':') + 1).split(' ').filter(Boolean) }));
  return c;
}

function registration(p: Patient) {
  const nhs = p.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM);
  if (nhs && !nhs.value) throw unprocessable('The NHS number identifier has no value.', 'Patient.identifier.value');
  const local = p.identifier?.find((i) => i.system !== NHS_NUMBER_SYSTEM && i.value);
  const name = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  const given = name?.given?.join(' ').trim();
  if (!name?.family || !given) throw unprocessable('Give the child’s official name with a family name and a given name.', 'Patient.name');
  if (!p.birthDate) throw unprocessable('Give the date of birth.', 'Patient.birthDate');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.birthDate)) throw unprocessable('Give the full date of birth (YYYY-MM-DD).', 'Patient.birthDate');
  const ethnic = p.extension?.find((e) => e.url === ETHNIC_CATEGORY_URL)?.valueCodeableConcept?.coding?.find((c) => c.system === ETHNIC_CATEGORY_SYSTEM)?.code;
  const postcode = p.address?.find((a) => a.postalCode)?.postalCode?.trim().toUpperCase();
  return {
    nhsNumber: nhs?.value ?? null,
    localId: local ? local.value! : null,
    givenName: given,
    familyName: name.family,
    dateOfBirth: p.birthDate,
    sex: p.gender ?? 'unknown',
    ethnicCategory: ethnic ?? null,
    // A full postcode keeps only its district (the outward code): Joinery holds no more of an address.
    postcodeDistrict: postcode ? postcode.split(/\s+/)[0].replace(/^([A-Z]{1,2}[0-9][0-9A-Z]?)[0-9][A-Z]{2}$/, '$1') : null,
  };
}

const PATHS: Record<string, string> = {
  nhsNumber: 'Patient.identifier', localId: 'Patient.identifier', givenName: 'Patient.name.given', familyName: 'Patient.name.family',
  dateOfBirth: 'Patient.birthDate', sex: 'Patient.gender', ethnicCategory: 'Patient.extension', postcodeDistrict: 'Patient.address.postalCode',
  registeredPracticeId: 'Patient.generalPractitioner',
};

async function write(i: Importing, resource: Patient, targetId?: string, expectedVersion?: number) {
  const p = resource;
  // Every child Joinery holds is an active record: one sent as inactive would be served as active, so it is refused.
  if (p.active === false) throw unprocessable('Joinery keeps only active patient records: it cannot record one as inactive.', 'Patient.active');
  const reg = registration(p);
  if (targetId) await requireRowVersion(i.tx, i.actor.icsId, 'child', targetId, expectedVersion, `Patient/${targetId}`);
  let practiceId: string | null = null;
  if (p.generalPractitioner?.length) {
    const gp = await i.resolve(p.generalPractitioner[0], ['Organization'], 'Patient.generalPractitioner[0]');
    practiceId = gp.id;
  }
  // An NHS number is kept on the child itself, not as a link.
  const keys = linkKeysOf(i, p, targetId).filter((k) => !(k.kind === 'identifier' && k.system === NHS_NUMBER_SYSTEM));
  if (i.fullUrl?.startsWith('urn:uuid:')) keys.push({ kind: 'id', system: 'urn:ietf:rfc:3986', value: i.fullUrl });
  const matchId = await linkedMatch(i, 'Patient', keys, targetId);
  const { childId, outcome } = await registerChild(i.tx, i.actor, { ...reg, registeredPracticeId: practiceId }, { matchId, today: i.today });
  await saveLinks(i.tx, i.actor.icsId, 'Patient', childId, keys);
  // Joinery keeps the few demographics it needs (the postcode only as its district): the rest is named as not kept.
  const { warnings } = await keepAsSent(i, p, {
    mapped: ['identifier', 'name', 'gender', 'birthDate', 'address', 'generalPractitioner', 'active'], kept: [], extensionUrls: [ETHNIC_CATEGORY_URL],
  });
  // What of the mapped elements the child's row does not hold, named too.
  const official = p.name?.findIndex((n) => n.use === 'official') ?? -1;
  warnings.push(
    ...namePartsNotKept('Patient', p.name, official >= 0 ? official : 0, 'official'),
    ...addressNotKept('Patient', p.address, 'district', reg.postcodeDistrict),
    ...(p.generalPractitioner ?? []).slice(1).map((_, n) => ({
      severity: 'warning' as const, code: 'not-supported' as const, expression: `Patient.generalPractitioner[${n + 1}]`,
      text: 'Joinery keeps one registered GP practice: only the first generalPractitioner was saved.',
    })),
  );
  return { id: childId, outcome, ...(warnings.length ? { warnings } : {}) };
}

/** The key a next link carries back (store.PatientKey), checked before it reaches SQL. */
function patientKey(after: string[] | undefined): store.PatientKey | undefined {
  if (!after) return undefined;
  const [family, given, birth, id] = after;
  if (after.length !== 4 || !/^\d{4}-\d{2}-\d{2}$/.test(birth) || Number.isNaN(Date.parse(birth)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw badRequest('_cursor is not one this server gave: follow the Bundle’s next link as it is.', '_cursor');
  }
  return [family, given, birth, id];
}

/** A child: demographics, NHS number (or a local identifier, unverified), registered practice, ethnic category. */
export const patientHandler: ResourceHandler = {
  type: 'Patient',
  writable: true,
  documentation: 'Children and young people (under 26): NHS number or, unverified, a local identifier; name, sex, date of birth, ethnic category, postcode district, registered GP practice. Search finds only children the client is related to.',
  searchParams: [
    { name: '_id', type: 'token', documentation: 'The patient’s id.' },
    { name: 'identifier', type: 'token', documentation: `NHS number (${NHS_NUMBER_SYSTEM}|9990000018, or the number alone) or a local identifier (system|value).` },
    { name: 'name', type: 'string', documentation: 'Start of the family or given name, any case.' },
    { name: 'family', type: 'string', documentation: 'Start of the family name.' },
    { name: 'given', type: 'string', documentation: 'Start of the given name.' },
    { name: 'birthdate', type: 'date', documentation: 'Date of birth (eq, ge, gt, le, lt; a day, month or year).' },
  ],
  async read(r, id) {
    // The row comes with the door's question (404 from the door when there is no such child in this ICS).
    const child = await seeChildReading<store.PatientRow>(r, id, 'Demographics (FHIR Patient)', store.patientRead);
    if (!child) throw notFound();
    return toFhir(child);
  },
  async search(r, query, page) {
    const decision = fhirPolicy.searchPatients(r.actor);
    if (!decision.allowed) throw new ForbiddenError(decision.reason);
    const c = await criteria(r, query);
    const { found, total, next } = await store.searchPatients(r.tx, r.actor, c, page.count, patientKey(page.after));
    await auditListedChildren(r.tx, r.actor, decision.why, found.map((child) => ({
      childId: child.id, action: 'fhir.search-result', what: 'Demographics in FHIR Patient search results',
    })));
    return { resources: found.map(toFhir), total, ...(next ? { next } : {}) };
  },
  sorts: ['family'],
  write: (i, resource, targetId, expectedVersion) => write(i, resource as Patient, targetId, expectedVersion),
  fieldPath: (field) => PATHS[field],
  versioned: true,
  async history(r, id) {
    return rowHistory(r, await patientHandler.read(r, id), 'child', id, (snapshot, kept) => {
      const practice = organisationThen(snapshot);
      return toFhir({
        ...(snapshot as unknown as store.PatientRow), version: kept.version, updated_at: kept.written_at,
        practice_id: practice?.id ?? null, practice_ods: practice?.ods_code ?? null, practice_name: practice?.name ?? null, identifiers: identifiersThen(snapshot),
      });
    });
  },
};

/** The Patient resource for $everything, from the child's row (access already checked and audited by the caller). */
export const patientResource = (child: store.PatientRow): Patient => toFhir(child);
