import type { Agency } from '../careplans/index.js';

/**
 * What a generated care plan says, by the condition it is mainly about. The
 * words are plain and synthetic: enough variety for the demo to read true.
 */
export type PlanTemplate = {
  title: string;
  whatMatters: string[];
  strengths: string[];
  needs: string;
  atSchool: string;
  whatToDo: string;
  whoToCall: string;
  goals: { agency: Agency; goal: string; measure: string }[];
  actions: { role: string; description: string }[];
};

export const PLAN_TEMPLATES: Record<'asthma' | 'epilepsy' | 'diabetes' | 'complex' | 'ehc', PlanTemplate> = {
  asthma: {
    title: 'Asthma and school plan',
    whatMatters: ['I want to play football with my friends without stopping.', 'Sleeping through the night without coughing.', 'Not missing school trips.'],
    strengths: ['Knows how to use the spacer and tells an adult when wheezy.', 'Family keep the preventer going every day.'],
    needs: 'Preventer inhaler twice a day with a spacer. Reliever when wheezy. Check inhaler technique at each review; annual asthma review.',
    atSchool: 'Reliever inhaler and spacer kept in the classroom and taken on trips and to PE.',
    whatToDo: 'If wheezy, coughing or short of breath: sit up, give 1 puff of the blue reliever every 30 to 60 seconds, up to 10 puffs. If no better, or worried at any time, call 999.',
    whoToCall: 'Parent first. Practice nurse for advice in working hours. 999 in an emergency.',
    goals: [
      { agency: 'health', goal: 'Fewer nights woken by cough', measure: 'Nights woken each week, kept in the symptom diary' },
      { agency: 'education', goal: 'Take part in PE every week', measure: 'PE lessons attended each half term' },
    ],
    actions: [
      { role: 'school-nurse', description: 'Train classroom staff on the inhaler and spacer' },
      { role: 'care-coordinator', description: 'Check inhaler technique at home' },
      { role: 'senco', description: 'Add the asthma plan to the school’s individual health care plan' },
    ],
  },
  epilepsy: {
    title: 'Epilepsy and seizure plan',
    whatMatters: ['Going swimming with my class.', 'Being treated the same as my friends.', 'Staying over at my grandparents’.'],
    strengths: ['Takes medicine without fuss.', 'Parents know the seizure plan well.'],
    needs: 'Anti-seizure medicine twice a day. Buccal midazolam for seizures over 5 minutes. Annual review with the epilepsy nurse; sleep routine.',
    atSchool: 'Trained staff member on each trip. Buccal midazolam kept in the office. Swimming with one-to-one supervision.',
    whatToDo: 'Time the seizure. Keep them safe and do not restrain. If it lasts more than 5 minutes, give buccal midazolam as trained and call 999. Recovery position afterwards.',
    whoToCall: 'Parent. Epilepsy specialist nurse for advice. 999 if the seizure lasts over 5 minutes or a second one follows.',
    goals: [
      { agency: 'health', goal: 'Fewer seizures', measure: 'Seizures each month in the seizure diary' },
      { agency: 'education', goal: 'Join the class swimming lessons', measure: 'Swimming lessons attended each term' },
    ],
    actions: [
      { role: 'school-nurse', description: 'Train two school staff to give buccal midazolam' },
      { role: 'paediatrician', description: 'Review medicine dose with the family' },
      { role: 'senco', description: 'Arrange one-to-one supervision for swimming' },
    ],
  },
  diabetes: {
    title: 'Diabetes care plan',
    whatMatters: ['Eating lunch with my friends.', 'Doing sport after school.', 'Not having hypos in lessons.'],
    strengths: ['Checks glucose on the sensor and knows hypo signs.', 'Family count carbohydrates well.'],
    needs: 'Insulin with meals and at night; glucose sensor. Quarterly clinic review and HbA1c. Annual checks.',
    atSchool: 'Hypo box in the classroom. Time to check glucose and eat before PE. Lunch carbohydrate counts sent home.',
    whatToDo: 'If glucose is under 4 or they feel hypo: give fast-acting sugar, recheck in 15 minutes, then a snack. If drowsy or unable to swallow, do not give food or drink: call 999.',
    whoToCall: 'Parent. Diabetes nurse helpline for advice. 999 if unconscious or fitting.',
    goals: [
      { agency: 'health', goal: 'Glucose in range more of the day', measure: 'Time in range on the sensor at each clinic visit' },
      { agency: 'education', goal: 'Manage diabetes confidently at school', measure: 'Hypos at school each half term' },
    ],
    actions: [
      { role: 'school-nurse', description: 'Train lunchtime staff on carbohydrate counting' },
      { role: 'care-coordinator', description: 'Visit home to review sensor alarms' },
      { role: 'senco', description: 'Agree rest breaks before exams' },
    ],
  },
  complex: {
    title: 'Complex needs care plan',
    whatMatters: ['Being at home with my family.', 'Going to school as much as I can.', 'Music and being outside.'],
    strengths: ['Very sociable and loves music.', 'Family are skilled in daily cares.'],
    needs: 'Gastrostomy feeding, regular medicines, physiotherapy and equipment. Respite care. Several specialist teams involved.',
    atSchool: 'Feeding plan and moving and handling plan in place. Trained staff for suction and feeds.',
    whatToDo: 'If breathing is harder, colour changes or a seizure starts: follow the emergency section of the health care plan, give oxygen if prescribed, and call 999. Bring this plan and the medicines list to hospital.',
    whoToCall: 'Community children’s nursing team (24 hours). Parent. 999 in an emergency.',
    goals: [
      { agency: 'health', goal: 'Fewer unplanned hospital admissions', measure: 'Unplanned admissions each 6 months' },
      { agency: 'social-care', goal: 'Family get regular short breaks', measure: 'Respite nights used each month' },
      { agency: 'education', goal: 'Attend school most days', measure: 'Attendance percentage each term' },
    ],
    actions: [
      { role: 'care-coordinator', description: 'Arrange equipment review with occupational therapy' },
      { role: 'social-worker', description: 'Review short breaks package with the family' },
      { role: 'senco', description: 'Update the moving and handling plan for the new classroom' },
      { role: 'paediatrician', description: 'Coordinate a joint review with the specialist teams' },
    ],
  },
  ehc: {
    title: 'Support plan for home and school',
    whatMatters: ['Knowing what is happening next.', 'A quiet space when it gets too loud.', 'Playing computer games with my brother.'],
    strengths: ['Good memory and loves facts about trains.', 'Parents know what helps on a hard day.'],
    needs: 'Support with sensory needs, sleep and communication. Speech and language therapy.',
    atSchool: 'Visual timetable, warning before changes, quiet room available, ear defenders allowed.',
    whatToDo: 'If very distressed: reduce noise and demands, offer the quiet space, do not crowd. If at risk of harm, call parent; in an emergency call 999.',
    whoToCall: 'Parent. SENCO at school. GP or 111 for health worries.',
    goals: [
      { agency: 'education', goal: 'Stay in class for whole lessons', measure: 'Lessons left early each week' },
      { agency: 'health', goal: 'Better sleep', measure: 'Hours slept each night in the sleep diary' },
    ],
    actions: [
      { role: 'senco', description: 'Set up a visual timetable and a quiet space' },
      { role: 'health-visitor', description: 'Share a sleep routine plan with the family' },
      { role: 'school-nurse', description: 'Refer for a sleep clinic assessment' },
    ],
  },
};
