import type { StandardId } from './standards.js';

/**
 * The integration checklist's nine areas, as the RCPCH Child Health in
 * Practice checklist groups them, and a placeholder set of items written in
 * our own words until the ICS loads the published wording (the import format
 * is CHECKLIST_FORMAT). Each placeholder says it is one.
 *
 * Checked against the RCPCH QI Central page for the checklist
 * (qicentral.rcpch.ac.uk, "Child Health In Practice Integration Checklist",
 * read 7 December 2026): its topics are parents/carers, NHS 111, community
 * pharmacists, general practice, urgent care services, paramedics/ambulance
 * service, emergency departments and hospital-based paediatrics; the stored
 * copy we could read broke off before the ninth, so its name still comes
 * with the published checklist the ICS loads rather than from a guess.
 */

export const AREAS = {
  'parents-carers': 'Parents and carers',
  'nhs-111': 'NHS 111',
  'community-pharmacy': 'Community pharmacy',
  'general-practice': 'General practice',
  'urgent-care': 'Urgent care services',
  ambulance: 'Paramedics and ambulance service',
  'emergency-departments': 'Emergency departments',
  'hospital-paediatrics': 'Hospital-based paediatrics',
  ninth: 'Ninth area (its name comes with the published checklist)',
} as const;
export type Area = keyof typeof AREAS;

export const CHECKLIST_FORMAT = 'joinery-integration-checklist';

export type ChecklistItem = { id: string; area: Area; wording: string; placeholder: boolean; position: number };

/** Items Joinery's own data can answer for a hub, and the standard that answers them. */
export const ANSWERED_BY: Record<string, StandardId> = {
  'gp-named-paediatrician': 'link-paediatrician',
  'gp-education': 'gp-education-6-months',
  'paeds-advice-in-time': 'advice-in-promise',
  'paeds-rapid-access': 'rapid-access-24h',
};

const P = (id: string, area: Area, wording: string) => ({ id, area, wording: `Placeholder: ${wording}` });

/** Two or three items an area, our own words, each marked as a placeholder. */
export const PLACEHOLDER_ITEMS: readonly ChecklistItem[] = [
  P('parents-voice', 'parents-carers', 'families help decide how the local children’s services are designed'),
  P('parents-information', 'parents-carers', 'families are given the same advice about common illnesses wherever they ask'),
  P('nhs111-pathways', 'nhs-111', 'calls about children reach clinicians who can see the local children’s pathways'),
  P('pharmacy-minor-illness', 'community-pharmacy', 'pharmacists can ask the hub for advice about a child'),
  P('gp-named-paediatrician', 'general-practice', 'every practice has a named paediatrician it can contact'),
  P('gp-education', 'general-practice', 'practice staff are offered joint teaching with paediatricians at least twice a year'),
  P('urgent-shared-plans', 'urgent-care', 'urgent care staff can see a child’s care plan'),
  P('ambulance-alternatives', 'ambulance', 'crews can refer a child to a service other than the emergency department'),
  P('ed-discharge-to-gp', 'emergency-departments', 'the child’s practice hears of an attendance by the next working day'),
  P('paeds-advice-in-time', 'hospital-paediatrics', 'a paediatrician answers GPs’ advice requests within the promised time'),
  P('paeds-rapid-access', 'hospital-paediatrics', 'urgent referrals are seen within a day'),
  P('ninth-area', 'ninth', 'an item for the ninth area, to be replaced by the published wording'),
].map((i, position) => ({ ...i, placeholder: true, position }));
