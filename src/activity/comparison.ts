/**
 * Published figures the page sets beside the ICS's own, in our words. They
 * were measured in other places, periods and ways: context, not targets.
 */

export const SOURCES = [
  'Aberdeen: paediatric cluster clinics in Aberdeen City, February to September 2018 (Martin and colleagues, Archives of Disease in Childhood, 2022, volume 107, page 616).',
  'GP child health hub: one Connecting Care for Children hub in north-west London (Montgomery-Taylor and colleagues, Archives of Disease in Childhood, 2016, volume 101, page 333).',
  'Advice and guidance: published evaluations of paediatric advice and guidance lines, as summarised in Joinery’s domain brief.',
];

export const COMPARE = {
  withoutVisit: 'Aberdeen 2018: 26%. GP child health hub: 39% of new hospital appointments avoided',
  hubClinic: 'Aberdeen 2018: 50% booked to the cluster clinic',
  hospital: 'Aberdeen 2018: 24% sent straight to specialists',
  seen: 'Aberdeen 2018: the share of referrals seen fell from 72% to 56%',
  community: 'GP child health hub: 42% of new hospital appointments moved to the practice',
  adviceWithoutReferral: 'Advice and guidance: 22% of queries avoided an outpatient referral',
  seenWait: 'Aberdeen 2018: the wait fell from 67 days to under a month',
  rates: 'Scottish regions: 22 to 35 referrals per 1,000 children a year',
} as const;
