import type { Page } from 'playwright-core';
import { enterDate } from './dates.js';
import { press } from './pages.js';

/** The user opens a child's care plan. */
export async function openCarePlan(page: Page, childId: string, then: '' | '/edit' | '/print' = ''): Promise<void> {
  await page.goto(`/children/${childId}/care-plan${then}`);
}

/** What a care plan says, as its form asks it. Whom it is shared with is the family's consent (steps/consent.ts). */
export type CarePlanFields = {
  title?: string; whatMatters?: string; strengths?: string; needs?: string; atSchool?: string;
  whatToDo?: string; whoToCall?: string; keyWorkerId?: string; reviewOn?: string;
};

/** The user fills in what is given of the care plan form (starting or changing the plan) and saves it. */
export async function saveCarePlan(page: Page, plan: CarePlanFields): Promise<void> {
  if (plan.title) await page.getByLabel('Title').fill(plan.title);
  if (plan.whatMatters) await page.getByLabel('What matters to me').fill(plan.whatMatters);
  if (plan.strengths) await page.getByLabel('Strengths').fill(plan.strengths);
  if (plan.needs) await page.getByLabel('Needs', { exact: true }).fill(plan.needs);
  if (plan.atSchool) await page.getByLabel('At school or nursery (optional)').fill(plan.atSchool);
  if (plan.whatToDo) await page.getByLabel('What to do').fill(plan.whatToDo);
  if (plan.whoToCall) await page.getByLabel('Who to call').fill(plan.whoToCall);
  if (plan.keyWorkerId) await page.getByLabel('Key worker').selectOption(plan.keyWorkerId);
  if (plan.reviewOn) await enterDate(page.getByRole('group', { name: 'Review date' }), plan.reviewOn);
  await press(page, 'Save the plan');
}

/** The user adds a goal to the plan: what, how progress is measured, and which agencies may see it. */
export async function addAGoal(page: Page, goal: { goal: string; measure: string; sharedWith: string[] }): Promise<void> {
  await page.getByLabel('Goal', { exact: true }).fill(goal.goal);
  await page.getByLabel('How progress will be measured').fill(goal.measure);
  for (const agency of goal.sharedWith) await page.getByLabel(agency).check();
  await press(page, 'Save the goal');
}

/** The key worker says how the family agreed the plan and signs it off. */
export async function signOffCarePlan(page: Page, howAgreed: string): Promise<void> {
  await page.getByLabel('How did the family agree the plan?').fill(howAgreed);
  await press(page, 'Sign off the plan');
}

/** On "Add an action", the user says a team will do it (the team question opens). */
export const chooseATeamToDoIt = (page: Page) => page.getByLabel('A team').check();

/** The user picks the team (by name) and the due date (YYYY-MM-DD), and adds the action. */
export async function addTheAction(page: Page, action: { team: string; dueOn: string }): Promise<void> {
  await page.getByLabel('Team', { exact: true }).selectOption({ label: action.team });
  await enterDate(page.getByRole('group', { name: 'Due by' }), action.dueOn);
  await press(page, 'Add the action');
}
