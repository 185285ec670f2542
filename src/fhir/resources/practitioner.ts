import type { Practitioner } from '@medplum/fhirtypes';
import { PROFESSIONAL_ID_SYSTEM, SDS_USER_ID_SYSTEM } from '../codes.js';
import { notFound } from '../outcome.js';
import * as store from '../store.js';
import { nameKey } from './search-params.js';
import { instant, single, tokenParam } from './common.js';
import type { ResourceHandler } from './handler.js';

function toFhir(p: store.ProfessionalRow): Practitioner {
  const words = p.name.trim().split(/\s+/);
  return {
    resourceType: 'Practitioner',
    id: p.id,
    meta: { lastUpdated: instant(p.created_at) },
    identifier: [
      { system: PROFESSIONAL_ID_SYSTEM, value: p.id },
      // What a receiving system knows a clinician by: their register's number (GMC, NMC, HCPC) and their NHS smartcard (SDS) id.
      ...(p.registration_system && p.registration_number ? [{ system: p.registration_system, value: p.registration_number }] : []),
      ...(p.nhsid_useruid ? [{ system: SDS_USER_ID_SYSTEM, value: p.nhsid_useruid }] : []),
    ],
    active: p.active,
    name: [{ text: p.name, family: words[words.length - 1], ...(words.length > 1 ? { given: words.slice(0, -1) } : {}) }],
  };
}

/**
 * Professionals who use Joinery, by name: read only. Joinery does not make
 * user accounts from a feed (an administrator adds people); sign-in emails are
 * not served.
 */
export const practitionerHandler: ResourceHandler = {
  type: 'Practitioner',
  writable: false,
  documentation: 'Professionals who use Joinery (name, whether active, their GMC, NMC or HCPC number and SDS user id where known). Read only: accounts are added by an administrator.',
  searchParams: [
    { name: 'identifier', type: 'token', documentation: `Joinery’s id for the professional (${PROFESSIONAL_ID_SYSTEM}|<id>).` },
    { name: 'name', type: 'string', documentation: 'Part of the name, any case.' },
  ],
  async read(r, id) {
    const { found: [p] } = await store.professionals(r.tx, { icsId: r.actor.icsId, id });
    if (!p) throw notFound();
    return toFhir(p);
  },
  async search(r, query, page) {
    const id = tokenParam(query, 'identifier', [PROFESSIONAL_ID_SYSTEM]);
    if (id === null || (id !== undefined && !/^[0-9a-fA-F-]{36}$/.test(id))) return { resources: [], total: 0 };
    const { found, total, next } = await store.professionals(r.tx, { icsId: r.actor.icsId, id, name: single(query, 'name') }, page.count, nameKey(page.after));
    return { resources: found.map(toFhir), total, ...(next ? { next } : {}) };
  },
  sorts: ['name'],
};
