/** Short notes the hub writes at each move that needs one: varied wording, nothing about a real child. */
export const NOTES = {
  book: ['Needs examining: book the hub clinic.', 'Joint review in the hub clinic with the GP, please.', 'Book the next hub clinic; bring growth and symptom diaries.'],
  mdt: ['Several services involved: discuss at the hub MDT first.', 'Bring to the hub MDT with the health visitor and school nurse.'],
  afterMdt: ['Discussed at the hub MDT: plan shared with the family and school.', 'MDT agreed the practice leads, with hub support.'],
  ambulatory: ['Ambulatory care at home with the children’s community nursing team.', 'Home monitoring by the community nurses with daily phone review.'],
  ambulatoryDone: ['Ambulatory episode complete; back to the GP.', 'Improved at home; community nurses discharged.'],
  sameDay: ['Needs seeing today: same-day assessment unit informed.', 'Red flags in the history: same-day paediatric assessment.'],
  sameDayDone: ['Assessed on the day unit; no serious cause found; safety-netting given.', 'Seen same day; treated and discharged with advice.'],
  returned: ['Please add recent growth measurements and what has been tried.', 'More detail needed: duration, red flags and current medicines.'],
  sentAgain: ['Measurements and medicines added as asked.', 'More history added after seeing the family again.'],
  converted: ['Tried the advice for a few weeks without improvement: referring.', 'Family still worried after the advice: please see.'],
  moved: ['Family asked for another date.', 'Clash with a hospital appointment: moved at the family’s request.', 'Clinic time changed: rebooked.'],
  notAttended: ['Did not attend twice and the family could not be reached: back to the GP to decide with them.'],
  followUp: ['Follow-up in the hub to check progress on the plan.', 'Review in the hub clinic after the trial of treatment.'],
  discharged: ['Discharged to the GP with the plan above.', 'No further hub input needed: discharged to the GP.'],
} as const;

export const GENERAL_OUTPATIENTS = 'General paediatric outpatients';
