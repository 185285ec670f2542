import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { ownPatch } from '../policy.js';
import type { Scope } from '../rollups/series.js';

/**
 * Where a dashboard can look: the whole ICS, a place, a hub (cluster) or a
 * practice, written in a form as 'ics', 'place:<id>', 'cluster:<id>' or
 * 'practice:<id>'. The lists come from the tenant's own organisations, so an
 * id from another ICS is simply not among them.
 */
export type ScopeOption = { value: string; text: string; name: string; scope: Scope };

export type ScopeChoices = {
  options: ScopeOption[];
  /** Practice id → its current hub, for the GP's default. */
  hubOfPractice: Map<string, string>;
  /** Hub id → its lead paediatrician. */
  leadOfHub: Map<string, string | null>;
  /** Hubs and practices by id, for the rows of a breakdown by either. */
  units: Map<string, { name: string; odsCode: string | null }>;
};

export const ICS_SCOPE = 'ics';
export const SCOPE_ERROR = 'Select the whole ICS, a place, a hub or a practice';

export async function scopeChoices(tx: Tx, icsId: string): Promise<ScopeChoices> {
  const places = await rows<{ id: string; name: string }>(tx, sql`SELECT id, name FROM place WHERE ics_id = ${icsId} ORDER BY name, id`);
  const hubs = await rows<{ id: string; name: string; lead: string | null }>(
    tx, sql`SELECT id, name, lead_paediatrician_id AS lead FROM cluster WHERE ics_id = ${icsId} ORDER BY name, id`,
  );
  const practices = await rows<{ id: string; name: string; ods_code: string; cluster_id: string | null }>(
    tx,
    sql`SELECT o.id, o.name, o.ods_code, cp.cluster_id FROM organisation o
          LEFT JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
         WHERE o.ics_id = ${icsId} AND o.kind = 'gp-practice' ORDER BY o.name, o.id`,
  );
  const options: ScopeOption[] = [
    { value: ICS_SCOPE, text: 'Whole ICS', name: 'Whole ICS', scope: { kind: 'ics' } },
    ...places.map((p) => ({ value: `place:${p.id}`, text: `Place: ${p.name}`, name: p.name, scope: { kind: 'place' as const, id: p.id } })),
    ...hubs.map((h) => ({ value: `cluster:${h.id}`, text: `Hub: ${h.name}`, name: h.name, scope: { kind: 'cluster' as const, id: h.id } })),
    ...practices.map((p) => {
      const name = `${p.name} (${p.ods_code})`;
      return { value: `practice:${p.id}`, text: `Practice: ${name}`, name, scope: { kind: 'practice' as const, id: p.id } };
    }),
  ];
  return {
    options,
    hubOfPractice: new Map(practices.flatMap((p) => (p.cluster_id ? [[p.id, p.cluster_id] as const] : []))),
    leadOfHub: new Map(hubs.map((h) => [h.id, h.lead])),
    units: new Map<string, { name: string; odsCode: string | null }>([
      ...hubs.map((h) => [h.id, { name: h.name, odsCode: null }] as const),
      ...practices.map((p) => [p.id, { name: p.name, odsCode: p.ods_code }] as const),
    ]),
  };
}

const SCOPE_VALUE = /^(ics|(place|cluster|practice):(.+))$/;

/** The option a form value names (ids compared case-insensitively), or undefined for anything else. */
export function findScope(value: string, choices: ScopeChoices): ScopeOption | undefined {
  const m = SCOPE_VALUE.exec(value);
  if (!m) return undefined;
  if (m[1] === ICS_SCOPE) return choices.options[0];
  if (!z.guid().safeParse(m[3]).success) return undefined;
  const wanted = `${m[2]}:${m[3].toLowerCase()}`;
  return choices.options.find((o) => o.value === wanted);
}

/**
 * Where each person starts. Everyone who may see the dashboards may look at
 * any scope: they are aggregates, and small numbers are suppressed for roles
 * that do not care for children. A GP starts at their practice's hub (or the
 * practice, outside a hub), a paediatrician at the hub they lead, everyone
 * else at the whole ICS.
 */
export function defaultScope(actor: Actor, choices: ScopeChoices): string {
  const patch = ownPatch(actor);
  if (patch.kind === 'practice') {
    const hub = choices.hubOfPractice.get(patch.practiceId);
    if (hub) return `cluster:${hub}`;
    if (choices.options.some((o) => o.value === `practice:${patch.practiceId}`)) return `practice:${patch.practiceId}`;
  }
  if (patch.kind === 'hubs') {
    const led = [...choices.leadOfHub].find(([, lead]) => lead === patch.paediatricianId);
    if (led) return `cluster:${led[0]}`;
  }
  return ICS_SCOPE;
}
