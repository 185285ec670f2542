import type { Organization } from '@medplum/fhirtypes';
import { fhirPolicy } from '../policy.js';
import { ForbiddenError } from '../../platform/http/errors.js';
import { ORGANISATION_KINDS } from '../../platform/access/organisation-kinds.js';
import { HL7_ORGANIZATION_TYPE, ODS_ROLE_SYSTEM, ODS_SYSTEM, ORGANISATION_KIND_SYSTEM, SCHOOL_URN_SYSTEM } from '../codes.js';
import type { OrganisationKind } from '../../platform/access/organisation-kinds.js';
import { saveLinks } from '../links.js';
import { keepAsSent } from './as-sent.js';
import { notFound, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { nameKey } from './search-params.js';
import { linkKeysOf, metaOf, single, tokenParam } from './common.js';
import { rowHistory } from './row-history.js';
import { requireRowVersion } from '../row-versions.js';
import type { Importing, ResourceHandler } from './handler.js';

/**
 * A school's DfE URN under UK Core's school-number system; its ODS code only
 * when it has one (a school without keeps its URN as its code in Joinery).
 */
const identifiersOf = (o: store.OrganisationRow): Organization['identifier'] => [
  ...(o.dfe_urn === o.ods_code ? [] : [{ system: ODS_SYSTEM, value: o.ods_code }]),
  ...(o.dfe_urn ? [{ system: SCHOOL_URN_SYSTEM, value: o.dfe_urn }] : []),
];

/** Joinery's kind alongside the types the sender gave (kept as sent). */
const toFhir = (o: store.OrganisationRow): Organization => ({
  resourceType: 'Organization',
  id: o.id,
  meta: metaOf(o.version, o.updated_at),
  identifier: identifiersOf(o),
  active: true,
  type: [{ coding: [{ system: ORGANISATION_KIND_SYSTEM, code: o.kind }] }, ...((o.as_sent?.type as Organization['type']) ?? [])],
  name: o.name,
});

/**
 * Standard codes that say which kind of organisation this is. HL7's `prov`
 * (healthcare provider) does not say whether a practice or a hospital, so
 * alone it leaves the kind Joinery already knows for the ODS code.
 */
const FROM_ODS_ROLE: Record<string, OrganisationKind> = { RO76: 'gp-practice' };
const FROM_HL7_TYPE: Record<string, OrganisationKind> = { edu: 'school', cg: 'voluntary-sector' };

function kindFrom(o: Organization): string | undefined {
  const codings = o.type?.flatMap((t) => t.coding ?? []) ?? [];
  return codings.find((c) => c.system === ORGANISATION_KIND_SYSTEM)?.code
    ?? codings.map((c) => (c.system === ODS_ROLE_SYSTEM ? FROM_ODS_ROLE[c.code ?? ''] : c.system === HL7_ORGANIZATION_TYPE ? FROM_HL7_TYPE[c.code ?? ''] : undefined)).find(Boolean);
}

async function write(i: Importing, o: Organization, targetId?: string, expectedVersion?: number) {
  const decision = fhirPolicy.feedOrganisations(i.actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  if (targetId) await requireRowVersion(i.tx, i.actor.icsId, 'organisation', targetId, expectedVersion, `Organization/${targetId}`);
  const ods = o.identifier?.find((x) => x.system === ODS_SYSTEM)?.value?.trim().toUpperCase();
  const urnAt = o.identifier?.findIndex((x) => x.system === SCHOOL_URN_SYSTEM) ?? -1;
  const urn = urnAt >= 0 ? o.identifier![urnAt].value?.trim() : undefined;
  if (urnAt >= 0 && !/^\d{6}$/.test(urn ?? '')) throw unprocessable('A school’s DfE URN is 6 digits.', `Organization.identifier[${urnAt}]`);
  if (ods === undefined ? !urn : !/^[A-Z0-9]{3,10}$/.test(ods)) {
    throw unprocessable(`Give the organisation’s ODS code (3 to 10 letters and digits), or a school’s DfE URN (${SCHOOL_URN_SYSTEM}).`, 'Organization.identifier');
  }
  const name = o.name?.trim();
  if (!name || name.length > 200 || [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) throw unprocessable('Give the organisation’s name (up to 200 characters).', 'Organization.name');
  const { found: [existing] } = await store.organisations(i.tx, { icsId: i.actor.icsId, ...(ods ? { odsCode: ods } : { dfeUrn: urn }) });
  if (targetId && existing && existing.id !== targetId) throw unprocessable(`That ${ods ? 'ODS code' : 'DfE URN'} belongs to another organisation.`, 'Organization.identifier');
  const kind = kindFrom(o) ?? existing?.kind;
  if (!kind || !(ORGANISATION_KINDS as readonly string[]).includes(kind)) {
    throw unprocessable(
      `Say what kind of organisation this is: ${ORGANISATION_KIND_SYSTEM} (${ORGANISATION_KINDS.join(', ')}), or ${ODS_ROLE_SYSTEM} RO76 for a GP practice. `
        + `${HL7_ORGANIZATION_TYPE} prov says only that it provides care.`,
      'Organization.type',
    );
  }
  // The sender's own type codes are kept as sent; Joinery's kind is the column.
  const senderTypes = o.type?.filter((t) => !t.coding?.some((c) => c.system === ORGANISATION_KIND_SYSTEM));
  // Joinery holds no closed organisations: one sent as inactive would be served as open, so it is refused.
  if (o.active === false) throw unprocessable('Joinery keeps only organisations that are open: it cannot record one as inactive.', 'Organization.active');
  // Only a school keeps a URN; another kind's is one more identifier that finds it (below).
  const dfeUrn = kind === 'school' && urn ? urn : null;
  if (!ods && !dfeUrn) throw unprocessable('Give the organisation’s ODS code: only a school is known by its DfE URN alone.', 'Organization.identifier');
  if (dfeUrn) {
    const { found: [holder] } = await store.organisations(i.tx, { icsId: i.actor.icsId, dfeUrn });
    if (holder && holder.id !== (existing?.id ?? targetId)) throw unprocessable('That DfE URN belongs to another school.', `Organization.identifier[${urnAt}]`);
  }
  const { warnings } = await keepAsSent(i, o, { mapped: ['identifier', 'active', 'type', 'name'], kept: [] });
  // The sender's other identifiers find the organisation in later feeds (links) but are not given back: said, not silently dropped.
  o.identifier?.forEach((x, n) => {
    if (x.system === ODS_SYSTEM || (dfeUrn && x.system === SCHOOL_URN_SYSTEM)) return;
    warnings.push({
      severity: 'warning', code: 'not-supported', expression: `Organization.identifier[${n}]`,
      text: `Joinery serves an organisation by its ODS code only: the identifier ${x.system ?? ''}|${x.value ?? ''} finds it in later feeds but will not be given back.`,
    });
  });
  // A school sent by its URN alone keeps the code it has, or takes its URN as its code.
  const odsCode = ods ?? existing?.ods_code ?? dfeUrn!;
  const saved = await store.saveOrganisation(i.tx, i.actor.icsId, { id: targetId, odsCode, dfeUrn, name, kind, asSent: senderTypes?.length ? { type: senderTypes } : null });
  // The sender's id and identifiers for it, so what refers to it as Organization/<their id> in the same feed finds it.
  await saveLinks(i.tx, i.actor.icsId, 'Organization', saved.id, linkKeysOf(i, o, targetId));
  return { ...saved, ...(warnings.length ? { warnings } : {}) };
}

/** An organisation of the ICS, known by its ODS code. Only the ICS's integration engine adds or renames them. */
export const organizationHandler: ResourceHandler = {
  type: 'Organization',
  writable: true,
  documentation: 'Organisations of the ICS by ODS code (GP practices, trusts, local authorities), schools by DfE URN. Created or changed only by the ICS’s integration engine.',
  searchParams: [
    { name: 'identifier', type: 'token', documentation: `ODS code (${ODS_SYSTEM}|A81001, or the code alone), or a school's DfE URN (${SCHOOL_URN_SYSTEM}|100000).` },
    { name: 'name', type: 'string', documentation: 'Part of the name, any case.' },
  ],
  async read(r, id) {
    const { found: [o] } = await store.organisations(r.tx, { icsId: r.actor.icsId, id });
    if (!o) throw notFound();
    return toFhir(o);
  },
  async search(r, query, page) {
    const given = single(query, 'identifier');
    const urn = given?.startsWith(`${SCHOOL_URN_SYSTEM}|`) ? tokenParam(query, 'identifier', [SCHOOL_URN_SYSTEM]) : undefined;
    const ods = urn ? undefined : tokenParam(query, 'identifier', [ODS_SYSTEM]);
    if (ods === null) return { resources: [], total: 0 };
    // A code alone finds a school by the URN it has as its code; the ODS system only real ODS codes.
    const where = { icsId: r.actor.icsId, ...(urn ? { dfeUrn: urn } : { odsCode: ods?.toUpperCase(), odsOnly: given?.startsWith(`${ODS_SYSTEM}|`) }), name: single(query, 'name') };
    const { found, total, next } = await store.organisations(r.tx, where, page.count, nameKey(page.after));
    return { resources: found.map(toFhir), total, ...(next ? { next } : {}) };
  },
  sorts: ['name'],
  write: (i, resource, targetId, expectedVersion) => write(i, resource as Organization, targetId, expectedVersion),
  versioned: true,
  async history(r, id) {
    const current = await organizationHandler.read(r, id);
    return rowHistory(r, current, 'organisation', id, (snapshot, kept) =>
      toFhir({ ...(snapshot as unknown as store.OrganisationRow), version: kept.version, updated_at: kept.written_at }));
  },
};
