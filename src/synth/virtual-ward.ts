import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Rng } from '../platform/random/seeded.js';
import { assessPews, pewsChartUsed, readObservationSet, setUpWard } from '../ambulatory/service.js';
import type { Structure } from './structure.js';
import type { Row } from './writer.js';

/**
 * The demo ICS's children's virtual ward: run by the community provider's
 * children's nurses (the demo community nurse first on the escalation rota,
 * a colleague next), with the demo paediatrician as its consultant and last
 * on the rota.
 */
export async function demoVirtualWard(tx: Tx, structure: Structure, icsName: string, ids: Rng): Promise<string | null> {
  const nurse = structure.demo.get('care-coordinator');
  const consultant = structure.demo.get('paediatrician');
  if (!nurse || !consultant) return null;
  const colleague = structure.places.flatMap((p) => p.careCoordinators).find((id) => id !== nurse.id);
  return setUpWard(tx, {
    id: ids.uuid(), icsId: structure.icsId, name: `${icsName} children’s virtual ward`, nursingTeamId: nurse.organisationId, consultantId: consultant.id,
    capacity: 20, rota: [nurse.id, ...(colleague ? [colleague] : []), consultant.id],
  });
}

/** How many children the demo ward holds today, and the clock its day is drawn to (08:00 UTC on the generator's today). */
export const DEMO_CASELOAD = 15;

/** Typical resting rates for each PEWS age band, inside the band's score-0 range. */
const RESTING = [
  { underYears: 1, rr: 40, hr: 130 }, { underYears: 5, rr: 28, hr: 110 }, { underYears: 13, rr: 22, hr: 95 }, { underYears: 99, rr: 16, hr: 82 },
];
const OLDER_PATHWAYS = ['acute-respiratory', 'asthma', 'gastroenteritis', 'iv-antibiotics'];
const EVERY_HOURS: Record<string, number> = { bronchiolitis: 4, 'acute-respiratory': 6, asthma: 6, gastroenteritis: 4, 'iv-antibiotics': 8 };
const HOUR = 3_600_000;

/**
 * Today's caseload on the demo ward: about 15 children, two waiting for a
 * decision, one accepted, two escalated (saturations 91% with moderate
 * distress), one with observations overdue, the rest on the ward with
 * 4- to 8-hourly observations since they came home and a visit later today.
 * Deterministic: children by id, values from the seed, times from `today`.
 */
export async function demoCaseload(tx: Tx, icsId: string, wardId: string, today: string, rng: Rng, ids: Rng): Promise<number> {
  const now = Date.parse(`${today}T08:00:00Z`);
  const staff = await rows<{ nurse: string; nurse_name: string; gp: string; gp_name: string; owner: string }>(tx, sql`
    SELECT n.id AS nurse, n.name AS nurse_name, g.id AS gp, g.name AS gp_name, r.professional_id AS owner
      FROM virtual_ward w JOIN ward_rota r ON r.ics_id = w.ics_id AND r.ward_id = w.id AND r.position = 0
      JOIN professional n ON n.ics_id = r.ics_id AND n.id = r.professional_id
      JOIN professional g ON g.ics_id = w.ics_id AND g.role = 'gp' WHERE w.ics_id = ${icsId}::uuid AND w.id = ${wardId}::uuid ORDER BY g.id LIMIT 1`);
  if (!staff.length) return 0;
  const { nurse, nurse_name, gp, gp_name, owner } = staff[0];
  const children = await rows<{ id: string; date_of_birth: string }>(tx, sql`SELECT c.id, c.date_of_birth::text AS date_of_birth FROM child c
    WHERE c.ics_id = ${icsId}::uuid AND c.date_of_birth > ${today}::date - 4380 AND c.date_of_birth < ${today}::date - 60
      AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = c.ics_id AND f.child_id = c.id) ORDER BY c.id LIMIT ${DEMO_CASELOAD}`);
  const episodes: Row[] = [];
  const observations: Row[] = [];
  const escalations: Row[] = [];
  const visits: Row[] = [];
  children.forEach((c, i) => {
    const years = (now - Date.parse(c.date_of_birth)) / (365.25 * 24 * HOUR);
    const pathway = years < 2 ? 'bronchiolitis' : OLDER_PATHWAYS[i % OLDER_PATHWAYS.length];
    const state = i < 2 ? 'referred' : i === 2 ? 'accepted' : i < 5 ? 'escalated' : 'on-ward';
    const referredAt = now - rng.int(20, 60) * HOUR;
    const admittedAt = referredAt + 3 * HOUR;
    const id = ids.uuid();
    const decided = state !== 'referred';
    episodes.push({
      ics_id: icsId, id, ward_id: wardId, child_id: c.id, pathway_id: pathway, pathway_version: 1, state, source: rng.pick(['gp', 'triage', 'ed', 'ward-step-down']),
      reason: 'Well enough to be cared for at home with the community children’s nurses.', referred_by: gp, referred_by_name: gp_name,
      referred_at: new Date(referredAt).toISOString(), decided_by: decided ? nurse : null, decided_by_name: decided ? nurse_name : null,
      decided_at: decided ? new Date(referredAt + HOUR).toISOString() : null, consent_given_by: decided ? 'Parent (demo)' : null, carer_worse_level: decided ? 'medium' : null,
      checks: decided ? { criteriaMet: true, phone: true, transport: true, adultPresent: true, languageNeedsMet: true, consent: true, safeguardingConcerns: [] } : null,
      admitted_at: state === 'escalated' || state === 'on-ward' ? new Date(admittedAt).toISOString() : null, version: state === 'referred' ? 1 : state === 'accepted' ? 2 : 3,
    });
    if (state !== 'escalated' && state !== 'on-ward') return;
    const rest = RESTING.find((b) => years < b.underYears)!;
    const every = (EVERY_HOURS[pathway] ?? 6) * HOUR;
    // The sixth child's last set was missed: their observations stop one interval early.
    const until = i === 5 ? now - every - HOUR : now;
    let last: { id: string; at: number; result: ReturnType<typeof assessPews> } | null = null;
    for (let at = admittedAt; at <= until; at += every) {
      const worse = state === 'escalated' && at + every > until;
      const set = {
        dateOfBirth: c.date_of_birth, observedAt: new Date(at).toISOString(), respiratoryRate: rest.rr + rng.int(-2, 2), heartRate: rest.hr + rng.int(-5, 5),
        spo2: worse ? 91 : rng.int(95, 99), respiratoryDistress: worse ? 'moderate' : 'none', avpu: 'A', carer: worse ? 'same' : rng.pick(['same', 'better']),
      };
      const read = readObservationSet(set);
      if (!read.ok) continue;
      const result = assessPews(read.value);
      const obsId = ids.uuid();
      observations.push({
        ics_id: icsId, id: obsId, episode_id: id, child_id: c.id, observed_at: set.observedAt, recorded_at: set.observedAt, recorder_kind: 'professional',
        recorded_by: nurse, recorded_by_name: nurse_name, observed: Object.fromEntries(Object.entries(set).filter(([k]) => k !== 'dateOfBirth')),
        score: result.score, parameters: result.parameters, escalation: result.escalation, reasons: result.reasons, missing: result.missing,
        chart_name: pewsChartUsed().name, chart_version: pewsChartUsed().version,
      });
      last = { id: obsId, at, result };
    }
    if (state === 'escalated' && last && last.result.escalation !== 'none') {
      escalations.push({
        ics_id: icsId, id: ids.uuid(), episode_id: id, child_id: c.id, observation_id: last.id, level: last.result.escalation, reasons: last.result.reasons,
        response: 'Video review by a nurse or doctor', raised_at: new Date(last.at).toISOString(), response_due_at: new Date(last.at + 30 * 60_000).toISOString(), owner_id: owner, rota_position: 0,
      });
    }
    visits.push({ ics_id: icsId, id: ids.uuid(), episode_id: id, child_id: c.id, kind: i % 2 ? 'video' : 'home', due_at: new Date(now + (3 + (i % 5)) * HOUR).toISOString(), scheduled_by: nurse });
  });
  for (const [table, all] of [['ward_episode', episodes], ['ward_observation', observations], ['ward_escalation', escalations], ['ward_visit', visits]] as const) {
    if (all.length) await bulkInsert(tx, table, all);
  }
  return episodes.length;
}
