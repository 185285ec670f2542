import type { Organization } from '@medplum/fhirtypes';
import { fhirPolicy } from '../policy.js';
import { ForbiddenError } from '../../platform/http/errors.js';
import { ORGANISATION_KINDS } from '../../platform/access/organisation-kinds.js';
import { ODS_SYSTEM, ORGANISATION_KIND_SYSTEM } from '../codes.js';
import { notFound, unprocessable } from '../outcome.js';
import * as store from '../store.js';
import { instant, single, tokenParam } from './common.js';
import type { Importing, ResourceHandler } from './handler.js';

const toFhir = (o: store.OrganisationRow): Organization => ({
  resourceType: 'Organization',
  id: o.id,
  meta: { lastUpdated: instant(o.created_at) },
  identifier: [{ system: ODS_SYSTEM, value: o.ods_code }],
  active: true,
  type: [{ coding: [{ system: ORGANISATION_KIND_SYSTEM, code: o.kind }] }],
  name: o.name,
});

async function write(i: Importing, o: Organization, targetId?: string) {
  const decision = fhirPolicy.feedOrganisations(i.actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const ods = o.identifier?.find((x) => x.system === ODS_SYSTEM)?.value?.trim().toUpperCase();
  if (!ods || !/^[A-Z0-9]{3,10}$/.test(ods)) throw unprocessable('Give the organisation’s ODS code (3 to 10 letters and digits).', 'Organization.identifier');
  const name = o.name?.trim();
  if (!name || name.length > 200 || [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) throw unprocessable('Give the organisation’s name (up to 200 characters).', 'Organization.name');
  const { found: [existing] } = await store.organisations(i.tx, { odsCode: ods });
  if (targetId && existing && existing.id !== targetId) throw unprocessable('That ODS code belongs to another organisation.', 'Organization.identifier');
  const kind = o.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === ORGANISATION_KIND_SYSTEM)?.code ?? existing?.kind;
  if (!kind || !(ORGANISATION_KINDS as readonly string[]).includes(kind)) {
    throw unprocessable(`Say what kind of organisation this is (${ORGANISATION_KIND_SYSTEM}: ${ORGANISATION_KINDS.join(', ')}).`, 'Organization.type');
  }
  return store.saveOrganisation(i.tx, i.actor.icsId, { id: targetId, odsCode: ods, name, kind });
}

/** An organisation of the ICS, known by its ODS code. Only the ICS's integration engine adds or renames them. */
export const organizationHandler: ResourceHandler = {
  type: 'Organization',
  writable: true,
  documentation: 'Organisations of the ICS by ODS code (GP practices, trusts, local authorities, schools). Created or changed only by the ICS’s integration engine.',
  searchParams: [
    { name: 'identifier', type: 'token', documentation: `ODS code (${ODS_SYSTEM}|A81001, or the code alone).` },
    { name: 'name', type: 'string', documentation: 'Part of the name, any case.' },
  ],
  async read(r, id) {
    const { found: [o] } = await store.organisations(r.tx, { id });
    if (!o) throw notFound();
    return toFhir(o);
  },
  async search(r, query, page) {
    const ods = tokenParam(query, 'identifier', [ODS_SYSTEM]);
    if (ods === null) return { resources: [], total: 0 };
    const { found, total } = await store.organisations(r.tx, { odsCode: ods?.toUpperCase(), name: single(query, 'name') }, page.count, page.offset);
    return { resources: found.map(toFhir), total };
  },
  write: (i, resource, targetId) => write(i, resource as Organization, targetId),
};
