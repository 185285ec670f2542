/**
 * The building blocks of every indicator: what is counted each month, for
 * each practice, in the population rollup. Indicators (data) divide one
 * measure by another; the SQL for each measure lives here, in code, because
 * it is what the rollups are made of and cannot be edited from a page.
 *
 * - events: activity events matching a test (amount 1, or bed days);
 * - rolling: children with at least `atLeast` such events in the 12 months
 *   to the month's end (counted once, where their latest event was);
 * - cohort: children in the population that month (alive, under 18, by
 *   their registered practice), optionally only those with a condition;
 * - referrals: advice requests and referrals made to the hubs that month;
 * - ward: stays on the children's virtual ward, by the month the child came
 *   onto it (rollups/virtual-ward.ts says what each column of `w` means).
 *
 * Predicates are fixed strings over `e` (activity_event) or `r` (referral),
 * never built from input.
 */
export type MeasureKind = 'events' | 'rolling' | 'cohort' | 'referrals' | 'ward';

export type Measure = {
  key: string;
  /** What one unit of it is, in words: "ED attendances". */
  label: string;
  kind: MeasureKind;
  /** SQL test on e (events, rolling), r (referrals) or the cohort columns (cohort). */
  where: string;
  /** SQL amount per matching event (events only); default 1. */
  amount?: string;
  /** Rolling only: events in 12 months that put a child in. */
  atLeast?: number;
  /** Rolling only: the cohort a child must be in as well. */
  cohort?: string;
  /** Events and rolling: the event types it can count, so rewriting a few measures reads only those, and an added event rewrites only the measures of its type. */
  types?: readonly string[];
  /** Events only: whether an event counts depends on the child's other events, so adding one can change another's count. */
  looksAtOtherEvents?: true;
};

const ltc = `e.reason_code IN ('asthma', 'diabetes', 'epilepsy')`;

export const MEASURES: readonly Measure[] = [
  // Populations (denominators).
  { key: 'children', label: 'children aged 0 to 17', kind: 'cohort', where: 'TRUE' },
  { key: 'children-0-4', label: 'children aged 0 to 4', kind: 'cohort', where: 'p.age < 5' },
  { key: 'children-under-10', label: 'children aged under 10', kind: 'cohort', where: 'p.age < 10' },
  { key: 'asthma', label: 'children with asthma', kind: 'cohort', where: 'p.asthma' },
  { key: 'diabetes', label: 'children with diabetes', kind: 'cohort', where: 'p.diabetes' },
  { key: 'diabetes-technology', label: 'children with diabetes using a CGM or insulin pump', kind: 'cohort', where: 'p.diabetes AND p.diabetes_technology' },
  { key: 'epilepsy', label: 'children with epilepsy', kind: 'cohort', where: 'p.epilepsy' },

  // Activity.
  { key: 'ed', types: ['ed'], label: 'ED attendances', kind: 'events', where: `e.type = 'ed'` },
  { key: 'ed-0-4', types: ['ed'], label: 'ED attendances aged 0 to 4', kind: 'events', where: `e.type = 'ed' AND e.age_years < 5` },
  {
    key: 'ed-reattendances-7d',
    types: ['ed'],
    label: 'ED attendances within 7 days of another',
    kind: 'events',
    looksAtOtherEvents: true,
    where: `e.type = 'ed' AND EXISTS (SELECT 1 FROM activity_event p WHERE p.ics_id = e.ics_id AND p.child_id = e.child_id
              AND p.occurred_at < e.occurred_at AND p.occurred_at >= e.occurred_at - interval '7 days' AND p.type = 'ed')`,
  },
  { key: 'emergency-admissions', types: ['admission'], label: 'emergency admissions', kind: 'events', where: `e.type = 'admission' AND e.emergency` },
  { key: 'ltc-admissions', types: ['admission'], label: 'emergency admissions for asthma, diabetes or epilepsy', kind: 'events', where: `e.type = 'admission' AND e.emergency AND ${ltc}` },
  { key: 'bed-days', types: ['admission'], label: 'bed days', kind: 'events', where: `e.type = 'admission' AND e.bed_days > 0`, amount: 'e.bed_days' },
  { key: 'outpatient-first', types: ['outpatient'], label: 'first outpatient attendances', kind: 'events', where: `e.type = 'outpatient' AND e.first_attendance` },
  { key: 'gp-contacts', types: ['gp'], label: 'GP consultations', kind: 'events', where: `e.type = 'gp'` },
  {
    key: 'asthma-attacks',
    types: ['ed', 'admission'],
    label: 'asthma attacks seen in ED or admitted',
    kind: 'events',
    where: `e.reason_code = 'asthma' AND (e.type = 'ed' OR (e.type = 'admission' AND e.emergency))`,
  },
  { key: 'reliever-prescriptions', types: ['prescription'], label: 'reliever inhaler prescriptions', kind: 'events', where: `e.type = 'prescription' AND e.reason_code = 'reliever'` },
  { key: 'tooth-extractions-under-10', types: ['admission'], label: 'hospital tooth extractions aged under 10', kind: 'events', where: `e.type = 'admission' AND e.reason_code = 'tooth-extraction' AND e.age_years < 10` },
  { key: 'mental-health-contacts', types: ['mental-health'], label: 'mental health service contacts', kind: 'events', where: `e.type = 'mental-health'` },

  // Children reached in the last 12 months.
  { key: 'reliever-over-reliance', types: ['prescription'], label: 'children with asthma with 6 or more reliever prescriptions in 12 months', kind: 'rolling', where: `e.type = 'prescription' AND e.reason_code = 'reliever'`, atLeast: 6, cohort: 'asthma' },
  { key: 'mental-health-access', types: ['mental-health'], label: 'children with a mental health service contact in 12 months', kind: 'rolling', where: `e.type = 'mental-health'`, atLeast: 1 },
  { key: 'epilepsy-nurse-access', types: ['community'], label: 'children with epilepsy seen by an epilepsy specialist nurse in 12 months', kind: 'rolling', where: `e.type = 'community' AND e.reason_code = 'epilepsy-nurse'`, atLeast: 1, cohort: 'epilepsy' },

  // The hubs' own work.
  { key: 'referrals-and-advice', label: 'referrals and advice requests', kind: 'referrals', where: 'TRUE' },
  { key: 'triaged', label: 'referrals and advice requests triaged', kind: 'referrals', where: 'r.triage_outcome IS NOT NULL' },
  { key: 'resolved-without-visit', label: 'referrals and advice requests resolved without a visit', kind: 'referrals', where: `r.triage_outcome IN ('advice-given', 'returned')` },

  // The children's virtual ward: stays counted in the month the child came onto the ward.
  { key: 'ward-admissions', label: 'admissions to the virtual ward', kind: 'ward', where: 'TRUE' },
  { key: 'ward-ended-at-home', label: 'virtual ward stays ending at home', kind: 'ward', where: `w.outcome = 'recovered-at-home'` },
  { key: 'ward-to-hospital', label: 'virtual ward stays ending in admission to hospital', kind: 'ward', where: `w.outcome = 'admitted'` },
  { key: 'ward-reattended-7d', label: 'virtual ward stays ending at home with a re-attendance within 7 days', kind: 'ward', where: `w.outcome = 'recovered-at-home' AND w.back_days <= 7` },
  { key: 'ward-reattended-30d', label: 'virtual ward stays ending at home with a re-attendance within 30 days', kind: 'ward', where: `w.outcome = 'recovered-at-home' AND w.back_days <= 30` },
  { key: 'ward-reattended-admitted', label: 'virtual ward stays ending at home with a parent-initiated re-attendance ending in admission within 7 days', kind: 'ward', where: `w.outcome = 'recovered-at-home' AND w.admitted_back_days <= 7` },
  ...(['low', 'medium', 'high', 'emergency'] as const).map((level, i) => ({
    key: `ward-escalated-${level}`, label: `virtual ward stays whose highest escalation was ${level}`, kind: 'ward' as const, where: `w.top_level = ${i + 1}`,
  })),
  { key: 'ward-days', label: 'days on the virtual ward', kind: 'ward', where: 'w.discharged', amount: 'w.days' },
  { key: 'ward-discharged', label: 'virtual ward stays ended', kind: 'ward', where: 'w.discharged' },
  { key: 'ward-bed-days-saved', label: 'bed days saved by the virtual ward', kind: 'ward', where: 'w.saves_beds', amount: 'w.days' },
];

const byKey = new Map(MEASURES.map((m) => [m.key, m]));

export function measure(key: string): Measure {
  const m = byKey.get(key);
  if (!m) throw new Error(`unknown measure ${key}`);
  return m;
}

export const isMeasure = (key: string): boolean => byKey.has(key);

/** Measures an event rule (case finding) can count: those that are activity events. */
export const EVENT_MEASURES = MEASURES.filter((m) => m.kind === 'events' && m.key !== 'bed-days');

/** Condition codes (data/activity-reasons.tsv keys and record problem codes) that put a child in a cohort. */
export const COHORT_PROBLEM_CODES = {
  asthma: ['195967001'],
  diabetes: ['46635009', '44054006'],
  epilepsy: ['84757009'],
} as const;

/** Record procedure codes (local) for diabetes technology: a CGM or an insulin pump. */
export const DIABETES_TECHNOLOGY = { system: 'urn:joinery:local', codes: ['continuous-glucose-monitor', 'insulin-pump'] } as const;

// ---- breakdown categories -------------------------------------------------------

/** Age bands used in every breakdown (age in whole years). */
export const AGE_BANDS = ['under 1', '1 to 4', '5 to 9', '10 to 14', '15 to 17'] as const;
/** The ages each band after the first starts at. */
const AGE_BAND_STARTS = [1, 5, 10, 15] as const;
export const ageBandSql = (age: string) =>
  `CASE ${AGE_BAND_STARTS.map((start, i) => `WHEN ${age} < ${start} THEN '${AGE_BANDS[i]}'`).join(' ')} ELSE '${AGE_BANDS.at(-1)}' END`;

/**
 * The birthdays at which a child's population counts can change: the start
 * of an age band, or an age limit in a cohort's test (p.age < 5). Between
 * them a child counts the same every month.
 */
export const COUNTED_BIRTHDAYS: readonly number[] = [...new Set([
  ...AGE_BAND_STARTS,
  ...MEASURES.filter((m) => m.kind === 'cohort').flatMap((m) => [...m.where.matchAll(/p\.age\s*<=?\s*(\d+)/g)].map((x) => Number(x[1]) + (x[0].includes('<=') ? 1 : 0))),
])].sort((a, b) => a - b);

/** IMD quintile from the decile: 1 is the most deprived fifth (Core20). */
export const IMD_QUINTILES = ['1', '2', '3', '4', '5'] as const;
export const imdQuintileSql = (decile: string) => `coalesce(((${decile} + 1) / 2)::text, 'unknown')`;

/** NHS ethnic category codes grouped as the census's five groups. */
export const ETHNIC_GROUPS = ['White', 'Mixed', 'Asian or Asian British', 'Black or Black British', 'Other ethnic groups', 'Not stated'] as const;
export const ethnicGroupSql = (code: string) =>
  `CASE WHEN ${code} IN ('A','B','C') THEN 'White' WHEN ${code} IN ('D','E','F','G') THEN 'Mixed'
        WHEN ${code} IN ('H','J','K','L') THEN 'Asian or Asian British' WHEN ${code} IN ('M','N','P') THEN 'Black or Black British'
        WHEN ${code} IN ('R','S') THEN 'Other ethnic groups' ELSE 'Not stated' END`;

export const SEXES = ['female', 'male', 'unknown'] as const;
export const sexSql = (sex: string) => `CASE WHEN ${sex} IN ('female', 'male') THEN ${sex} ELSE 'unknown' END`;
