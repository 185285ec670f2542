import type { Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Rng } from '../platform/random/seeded.js';
import { PLACEHOLDER_ITEMS } from '../models/index.js';
import { isoDate, isoTimestamp } from './dates.js';
import { monthOfDays, monthText } from './months.js';

type Row = Record<string, unknown>;

/**
 * The demo ICS's register of care models (issue 22): the generated hub model
 * described, an advice line started two years ago in another hub, and a
 * virtual ward started two months ago (too early to judge); the hubs'
 * teaching sessions over five years; the integration checklist scored by the
 * CYP lead twice, a year apart. Neither new start carries generated effects,
 * so the activity is unchanged. Every row and time comes from the seed and
 * today, so the same demo is made on every start of the same size and day.
 */
export async function demoCareModelRegister(tx: Tx, o: {
  icsId: string; todayDays: number; rng: Rng; ids: Rng; hubModel: string; hubModelStart: string;
  clusters: readonly Row[]; clusterPractices: readonly Row[]; lead: { id: string; name: string };
}): Promise<Record<string, number>> {
  const { icsId, todayDays, rng, ids, clusters, lead } = o;
  const at = isoTimestamp(todayDays, 9 * 60);
  const month = monthOfDays(todayDays);
  const others = clusters.slice(1);
  const adviceHub = others[0] ?? clusters[0];
  const wardHub = others[1] ?? clusters[0];
  const starts = [
    { model: 'advice-line', cluster_id: adviceHub.id, start_month: `${monthText(month - 24)}-01`, ramp_months: 3 },
    { model: 'virtual-ward', cluster_id: wardHub.id, start_month: `${monthText(month - 2)}-01`, ramp_months: 3 },
  ];
  await bulkInsert(tx, 'care_model_implementation', starts.map((s) => ({ ics_id: icsId, ...s, effects: null })));
  const config = (c: Row) => ({
    practices: null, children: null, paediatricianSessionsPerMonth: null, jointClinicEveryWeeks: null, mdtEveryWeeks: null, adviceResponseHours: null,
    staffGroups: [], practiceChampions: null, hours: '', fundingPerYear: null, startDate: null, lead: lead.name, ...c,
  });
  const models = [
    { name: o.hubModel, title: 'Child health hub', type: 'child-health-hub', mechanisms: ['shared-responsibility', 'upskilling-gps', 'relationships', 'closer-to-home'],
      configuration: config({ practices: o.clusterPractices.filter((p) => p.cluster_id === clusters[0].id).length, paediatricianSessionsPerMonth: 4, jointClinicEveryWeeks: 4,
        mdtEveryWeeks: 4, adviceResponseHours: 72, staffGroups: ['gp', 'paediatrician', 'health-visitor', 'practice-nurse'], practiceChampions: 3, hours: 'Weekdays 9am to 5pm',
        fundingPerYear: 90000, startDate: o.hubModelStart }) },
    { name: 'advice-line', title: 'Advice and guidance line', type: 'advice-line', mechanisms: ['upskilling-gps', 'shared-responsibility'],
      configuration: config({ practices: o.clusterPractices.filter((p) => p.cluster_id === adviceHub.id).length, paediatricianSessionsPerMonth: 2, adviceResponseHours: 24,
        staffGroups: ['gp', 'paediatrician'], hours: 'Weekdays 8am to 6pm', fundingPerYear: 35000, startDate: starts[0].start_month }) },
    { name: 'virtual-ward', title: 'Children’s virtual ward', type: 'virtual-ward', mechanisms: ['closer-to-home'],
      configuration: config({ children: null, paediatricianSessionsPerMonth: 8, staffGroups: ['paediatrician', 'community-nurse'], hours: 'Every day 8am to 10pm',
        fundingPerYear: 240000, startDate: starts[1].start_month }) },
  ];
  await bulkInsert(tx, 'care_model', models.map((m) => ({
    ics_id: icsId, name: m.name, title: m.title, type: m.type, configuration: m.configuration, mechanisms: m.mechanisms,
    early_indicators: ['ed-attendances'], final_outcomes: ['emergency-admissions'], version: 1, changed_by: lead.id, changed_by_name: lead.name, changed_at: at,
  })));

  // Teaching: each hub teaches roughly every four to seven months over five years; most of its practices come.
  const THEMES = ['Asthma and wheeze', 'Constipation', 'Eczema and allergy', 'Feeding, growth and weight', 'Emotional wellbeing and mental health', 'Sleep'];
  const sessions: Row[] = [];
  const attended: Row[] = [];
  for (const c of clusters) {
    const practices = o.clusterPractices.filter((p) => p.cluster_id === c.id);
    for (let day = todayDays - 5 * 365 + rng.int(0, 90); day < todayDays - 7; day += rng.int(120, 210)) {
      const id = ids.uuid();
      sessions.push({ ics_id: icsId, id, cluster_id: c.id, held_on: isoDate(day), topic: THEMES[rng.int(0, THEMES.length - 1)],
        recorded_by: c.lead_paediatrician_id ?? lead.id, recorded_by_name: c.lead_paediatrician_id ? 'Hub lead paediatrician' : lead.name, recorded_at: isoTimestamp(day, 17 * 60) });
      for (const p of practices) if (rng.chance(0.8)) attended.push({ ics_id: icsId, session_id: id, practice_id: p.practice_id });
    }
  }
  await bulkInsert(tx, 'hub_teaching_session', sessions);
  await bulkInsert(tx, 'hub_teaching_practice', attended);

  // The checklist: the placeholder items, scored for the ICS a year ago and again now.
  await bulkInsert(tx, 'integration_checklist_item', PLACEHOLDER_ITEMS.map((i) => ({ ics_id: icsId, id: i.id, area: i.area, wording: i.wording, position: i.position, placeholder: true })));
  const scores: Row[] = [];
  for (const [k, day] of [todayDays - 365, todayDays - 10].entries()) {
    for (const i of PLACEHOLDER_ITEMS) {
      const rating = (['red', 'amber', 'green'] as const)[Math.min(2, rng.int(0, 1) + k)];
      scores.push({ ics_id: icsId, id: ids.uuid(), item_id: i.id, cluster_id: null, rating, evidence: k === 0 ? 'First self-assessment workshop' : 'Second self-assessment workshop, a year on',
        owner: rating === 'green' ? '' : 'CYP lead', action: rating === 'green' ? '' : 'Agree a plan at the ICS children’s board', scored_on: isoDate(day),
        scored_by: lead.id, scored_by_name: lead.name, recorded_at: isoTimestamp(day, 16 * 60) });
    }
  }
  await bulkInsert(tx, 'integration_checklist_score', scores);
  return { care_model: models.length, hub_teaching_session: sessions.length, hub_teaching_practice: attended.length, integration_checklist_score: scores.length };
}
