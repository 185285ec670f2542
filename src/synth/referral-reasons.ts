import type { Rng } from '../platform/random/seeded.js';

/**
 * Why GPs ask a general paediatrician for advice or refer: the common
 * reasons, in our own words (synthetic, from no real letter). Each carries
 * the ages it fits, how common it is, and the wording for each step of the
 * referral's life, so a thread reads as one story.
 */
export type Reason = {
  reason: string;
  minAge: number;
  maxAge: number;
  weight: number;
  questions: readonly string[];
  tried: readonly string[];
  /** What the paediatrician advises when no visit is needed. */
  advice: readonly string[];
  /** Where a child goes when the hub cannot help. */
  services: readonly string[];
  /** The plan after a hub clinic visit. */
  plans: readonly string[];
};

export const REASONS: readonly Reason[] = [
  {
    reason: 'Constipation not settling', minAge: 0, maxAge: 17, weight: 14,
    questions: ['Stools hard and painful for months despite laxatives: is the dose right, and does anything need ruling out?', 'Soiling as well now: how long should we continue disimpaction before referring on?'],
    tried: ['Macrogol at maintenance dose for 8 weeks, diet and fluid advice.', 'Lactulose, then macrogol; family struggling with adherence.'],
    advice: ['Disimpaction regime first, then maintenance macrogol for at least 6 months after a normal pattern returns; toilet-sitting after meals. Red flags to act on attached.', 'Increase macrogol to effect; no investigation needed without red flags. Review in 6 weeks.'],
    services: ['Paediatric gastroenterology', 'Continence service'],
    plans: ['Disimpaction then maintenance macrogol; continence nurse to support; GP review at 6 weeks.', 'Behavioural toileting plan and diary; wean laxatives slowly once settled.'],
  },
  {
    reason: 'Faltering growth', minAge: 0, maxAge: 4, weight: 9,
    questions: ['Weight has crossed two centile lines since 6 months: which tests, and is a clinic visit needed?', 'Feeding well by history but slow weight gain: coeliac screen and what else?'],
    tried: ['Health visitor feeding review and weekly weights.', 'Dietary diary; food fortification advice.'],
    advice: ['Check full blood count, ferritin, coeliac serology, urine culture; dietitian referral. Weigh monthly; refer if still falling.', 'Parents are small and growth is tracking mid-parental centile: reassure, repeat weight in 2 months.'],
    services: ['Paediatric gastroenterology', 'Paediatric dietetics'],
    plans: ['Bloods taken in clinic; dietitian to see; health visitor weights monthly; hub review in 3 months.', 'Normal examination; feeding plan agreed with parents; GP to monitor weight.'],
  },
  {
    reason: 'Recurrent wheeze', minAge: 0, maxAge: 7, weight: 10,
    questions: ['Wheeze with every cold this winter and two courses of steroids: start a preventer?', 'Night cough and wheeze: is this asthma, and how should we trial treatment?'],
    tried: ['Salbutamol via spacer with colds.', 'Montelukast trial for 4 weeks without much change.'],
    advice: ['Trial of low-dose inhaled steroid via spacer for 8 weeks, then stop and review; personal asthma plan; check inhaler technique.', 'Viral-induced wheeze: reliever with spacer, smoke-free home, flu vaccine; refer if more than 2 courses of steroids in 6 months.'],
    services: ['Paediatric respiratory clinic'],
    plans: ['Inhaled steroid trial with spacer; asthma plan written with parents; practice nurse review in 8 weeks.', 'Spacer technique taught; step down when well for 3 months.'],
  },
  {
    reason: 'Headaches', minAge: 5, maxAge: 17, weight: 8,
    questions: ['Headaches most days for two months, normal examination: does this need imaging?', 'Migraine-like headaches causing school absence: what preventive options?'],
    tried: ['Paracetamol and ibuprofen, headache diary, eye test normal.', 'Sleep and screen-time advice.'],
    advice: ['No red flags: tension-type pattern; limit analgesics to 3 days a week, regular sleep and meals, diary for 8 weeks. Imaging not indicated.', 'Migraine without aura: early ibuprofen, consider pizotifen if more than 4 a month.'],
    services: ['Paediatric neurology'],
    plans: ['Headache diary and lifestyle plan; analgesic limits explained; school letter; GP review in 2 months.', 'Started migraine prevention; review in hub in 3 months.'],
  },
  {
    reason: 'Recurrent abdominal pain', minAge: 4, maxAge: 17, weight: 8,
    questions: ['Tummy pain most mornings before school, growing well: what tests are worthwhile?', 'Pain and loose stools for three months: coeliac or inflammatory bowel disease?'],
    tried: ['Bloods including coeliac screen normal.', 'Stool sample and simple analgesia.'],
    advice: ['Functional abdominal pain is likely: explain the gut–brain link, regular routine, school support; faecal calprotectin if loose stools persist.', 'Check faecal calprotectin and coeliac serology; refer if raised or weight loss.'],
    services: ['Paediatric gastroenterology'],
    plans: ['Functional pain explained; school plan and psychology self-help; discharge to GP.', 'Calprotectin raised: referred to gastroenterology.'],
  },
  {
    reason: 'Eczema not controlled', minAge: 0, maxAge: 17, weight: 7,
    questions: ['Widespread eczema despite emollients and mild steroid: step up treatment?', 'Eczema with repeated skin infections: any role for allergy testing?'],
    tried: ['Emollients and 1% hydrocortisone.', 'Two courses of flucloxacillin this year.'],
    advice: ['Step up to moderate-potency steroid in flares, generous emollients, written eczema plan; allergy testing only if reactions after foods.', 'Treat infection, then weekend steroid to prevent flares.'],
    services: ['Paediatric dermatology', 'Paediatric allergy clinic'],
    plans: ['Eczema plan with step-up and step-down; nurse to demonstrate wet wraps; GP review 6 weeks.', 'Proactive weekend steroid; school informed.'],
  },
  {
    reason: 'Possible food allergy', minAge: 0, maxAge: 15, weight: 7,
    questions: ['Hives and lip swelling after peanut butter: what testing, and does the child need an adrenaline pen?', 'Vomiting after milk formula: cow’s milk protein allergy?'],
    tried: ['Antihistamine after the reaction; food avoided since.', 'Changed to extensively hydrolysed formula.'],
    advice: ['Avoid peanut; prescribe antihistamine and two adrenaline auto-injectors with training while awaiting allergy clinic.', 'Continue hydrolysed formula; milk ladder from 12 months with dietitian support.'],
    services: ['Paediatric allergy clinic'],
    plans: ['Allergy plan written; adrenaline auto-injectors trained; referred for testing.', 'Milk ladder started with dietitian; review in hub in 4 months.'],
  },
  {
    reason: 'Bedwetting', minAge: 5, maxAge: 15, weight: 5,
    questions: ['Wet most nights at 8 years: alarm or desmopressin?', 'Day and night wetting: anything to rule out?'],
    tried: ['Fluid and toileting advice, reward chart.', 'Alarm for 6 weeks; stopped.'],
    advice: ['Urine dip to exclude infection and glucose; enuresis alarm for at least 12 weeks or desmopressin for sleepovers.', 'Treat any constipation first; daytime drinking schedule.'],
    services: ['Continence service', 'Paediatric urology'],
    plans: ['Alarm with continence nurse support; review in 3 months.', 'Desmopressin trial with structured withdrawal.'],
  },
  {
    reason: 'Behaviour and attention concerns (ADHD query)', minAge: 5, maxAge: 15, weight: 8,
    questions: ['School reports poor attention and impulsivity: who assesses for ADHD, and what can school do meanwhile?', 'Parents ask about ADHD: does this need a paediatric assessment or the neurodevelopmental pathway?'],
    tried: ['Parenting programme offered.', 'School SENCO involved; classroom adjustments.'],
    advice: ['Refer to the neurodevelopmental pathway with school questionnaires; parenting support meanwhile. Paediatric clinic not needed first.', 'Screen for sleep problems and hearing; school to complete Conners questionnaires.'],
    services: ['Neurodevelopmental pathway', 'CAMHS'],
    plans: ['Questionnaires given; school observation requested; neurodevelopmental panel referral.', 'Sleep hygiene plan; review after school assessment.'],
  },
  {
    reason: 'Heart murmur', minAge: 0, maxAge: 17, weight: 5,
    questions: ['Soft systolic murmur heard at an illness visit: innocent, or echo needed?', 'Murmur at the 6–8 week check: how soon should this be seen?'],
    tried: ['Re-listened when well: still present.', 'Saturations normal, feeding well.'],
    advice: ['Features of an innocent murmur; re-examine when well in 4 weeks and refer only if it persists or with symptoms.', 'Baby well and saturations normal: refer for echo within 6 weeks; sooner if feeding or breathing changes.'],
    services: ['Paediatric cardiology'],
    plans: ['Innocent murmur on examination; family reassured; discharged.', 'ECG normal; echo requested via cardiology.'],
  },
  {
    reason: 'Infant reflux and feeding', minAge: 0, maxAge: 1, weight: 5,
    questions: ['Frequent posseting and crying with feeds: reflux treatment or cow’s milk allergy?', 'Back-arching and feed refusal at 3 months: should we start an acid suppressant?'],
    tried: ['Smaller more frequent feeds; thickener.', 'Alginate trial for 2 weeks.'],
    advice: ['Thriving: reassure, positioning and feed volumes; consider 2-week trial of hydrolysed formula if eczema or blood in stools.', 'Alginate for 2 weeks then stop; acid suppression only if faltering growth or distress persists.'],
    services: ['Paediatric gastroenterology'],
    plans: ['Feeding plan with health visitor; milk-free trial for 4 weeks.', 'Thriving on examination; reassurance; discharged to health visitor.'],
  },
  {
    reason: 'Recurrent urinary tract infections', minAge: 0, maxAge: 12, weight: 4,
    questions: ['Third urine infection this year: which imaging?', 'Febrile UTI in a baby: does she need an ultrasound?'],
    tried: ['Antibiotics for each episode; cultures sent.', 'Constipation treated.'],
    advice: ['Renal ultrasound within 6 weeks; treat constipation; prompt urine culture with future fevers. No prophylaxis for now.', 'Atypical features absent: ultrasound only, then review.'],
    services: ['Paediatric nephrology'],
    plans: ['Ultrasound requested; bladder and bowel advice; GP to culture future fevers.', 'Normal ultrasound; discharged.'],
  },
  {
    reason: 'Fatigue and low energy', minAge: 8, maxAge: 17, weight: 4,
    questions: ['Tired all the time and missing school for two months: what work-up?', 'Possible post-viral fatigue: how can we support a return to school?'],
    tried: ['Bloods normal (FBC, ferritin, thyroid, coeliac).', 'Sleep routine advice.'],
    advice: ['Check vitamin D and glucose; graded return to school with a school plan; screen mood and sleep.', 'Normal tests: activity management and school support; refer if not improving in 3 months.'],
    services: ['Paediatric chronic fatigue service', 'CAMHS'],
    plans: ['Activity and sleep plan; school letter; review in hub in 3 months.', 'Mood screen positive: referred to CAMHS with family agreement.'],
  },
  {
    reason: 'Short stature', minAge: 2, maxAge: 14, weight: 3,
    questions: ['Height on the 0.4th centile and parents of average height: which tests?', 'Growth slowing over two years: bone age or endocrine referral?'],
    tried: ['Measured on two occasions 6 months apart.', 'Parents’ heights recorded.'],
    advice: ['Screening bloods (FBC, coeliac, thyroid, IGF-1, karyotype in girls); measure again in 6 months.', 'Growth velocity normal, constitutional delay likely: reassure and re-measure.'],
    services: ['Paediatric endocrinology'],
    plans: ['Growth bloods taken; measure in 6 months in the hub.', 'Bone age requested; endocrinology if velocity falls.'],
  },
  {
    reason: 'Joint pain', minAge: 3, maxAge: 17, weight: 3,
    questions: ['Morning stiffness and a swollen knee for 6 weeks: arthritis?', 'Leg pains at night, well in the day: growing pains or more?'],
    tried: ['Ibuprofen with partial effect.', 'Reassurance and stretches.'],
    advice: ['Persistent swelling needs rheumatology within 4 weeks: refer direct.', 'Typical benign limb pains: massage and analgesia; red flags explained.'],
    services: ['Paediatric rheumatology'],
    plans: ['Examination normal; benign hypermobility; physiotherapy advice.', 'Swelling confirmed: referred to rheumatology.'],
  },
];

/** A reason that fits the child's age, in proportion to how common it is. */
export class ReasonPicker {
  private byAge: { list: Reason[]; weights: number[] }[] = [];

  constructor() {
    for (let age = 0; age <= 17; age++) {
      const list = REASONS.filter((r) => age >= r.minAge && age <= r.maxAge);
      this.byAge.push({ list, weights: list.map((r) => r.weight) });
    }
  }

  pick(rng: Rng, age: number): Reason {
    const { list, weights } = this.byAge[Math.max(0, Math.min(17, age))];
    return list[rng.weighted(weights)];
  }
}
