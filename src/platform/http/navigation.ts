import type { Actor } from '../access/actor.js';
import { policy } from '../access/policy.js';
import { familyAccessPolicy } from '../access/family-policy.js';

type MenuItem = { href: string; text: string; may: (actor: Actor) => boolean };

/**
 * The header's links, in order, each shown when the policy rule for its page
 * allows the actor. No role is named here: who sees a link is the policy's
 * answer, as it is for the page behind it.
 */
const MENU: readonly MenuItem[] = [
  { href: '/', text: 'Home', may: () => true },
  { href: '/my-children', text: 'My children', may: (a) => policy.viewCaseload(a).allowed },
  { href: '/children', text: 'Find a child', may: (a) => policy.searchChildren(a).allowed || policy.findChildForAccessLog(a).allowed },
  { href: '/worklist', text: 'Worklist', may: (a) => policy.keepWorklist(a).allowed },
  { href: '/tasks', text: 'Tasks', may: (a) => policy.holdTaskList(a).allowed },
  { href: '/mdt', text: 'MDT meetings', may: (a) => policy.attendMdtMeetings(a).allowed },
  { href: '/care-plans/reviews', text: 'Plan reviews', may: (a) => policy.reviewCarePlans(a).allowed },
  { href: '/referrals', text: 'Referrals and advice', may: (a) => policy.followReferrals(a).allowed },
  { href: '/referrals/triage', text: 'Triage', may: (a) => policy.triageReferrals(a).allowed },
  { href: '/clinics', text: 'Clinics', may: (a) => policy.manageClinics(a).allowed },
  { href: '/clinics/booking', text: 'Clinic booking', may: (a) => policy.bookClinics(a).allowed },
  // Hub activity and case finding are reached from the population pages where a role has them: more header links
  // would run off a paediatrician's menu.
  { href: '/population', text: 'Population', may: (a) => policy.viewPopulation(a).allowed },
  // The register of care models and its standards are kept by those who keep the population measures.
  { href: '/models', text: 'Care models', may: (a) => policy.managePopulationMeasures(a).allowed },
  { href: '/activity', text: 'Hub activity', may: (a) => policy.viewActivity(a).allowed && !policy.viewPopulation(a).allowed },
  { href: '/privacy/break-glass', text: 'Emergency access reviews', may: (a) => policy.reviewBreakGlass(a).allowed },
  { href: '/safety/hazards', text: 'Clinical safety', may: (a) => policy.viewClinicalSafety(a).allowed },
  { href: '/privacy/account-checks', text: 'Account changes', may: (a) => policy.reviewAccountChanges(a).allowed },
  { href: '/admin/organisations', text: 'Organisations', may: (a) => policy.manageOrganisations(a).allowed },
  { href: '/admin/clusters', text: 'Clusters', may: (a) => policy.manageOrganisations(a).allowed },
  { href: '/admin/users', text: 'Users', may: (a) => policy.manageOrganisations(a).allowed },
  { href: '/admin/letter-templates', text: 'Letter templates', may: (a) => policy.editLetterTemplates(a).allowed },
  { href: '/admin/advice', text: 'Advice library', may: (a) => policy.editAdviceLibrary(a).allowed },
  { href: '/admin/virtual-ward', text: 'Virtual ward set-up', may: (a) => policy.editVirtualWard(a).allowed },
  { href: '/admin/family-settings', text: 'Family access settings', may: (a) => familyAccessPolicy.changeFamilySettings(a).allowed },
  // Those who see the population reach the advice figures from the advice library's page; the clinical lead has no population menu.
  { href: '/advice-figures', text: 'Advice figures', may: (a) => policy.viewAdviceFigures(a).allowed && !policy.viewPopulation(a).allowed },
];

/** Header links for what the actor may do, with the section the page is in marked. */
export function navigationFor(actor: Actor | null, url: string) {
  if (!actor) return [];
  const items = MENU.filter((i) => i.may(actor)).map(({ href, text }) => ({ href, text }));
  const path = url.split('?')[0];
  // Only the most specific section is highlighted: /referrals/triage is Triage, not also Referrals.
  const within = (href: string) => href !== '/' && (path === href || path.startsWith(`${href}/`));
  const section = items.filter((i) => within(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((i) => ({ ...i, current: i.href === path, active: i === section }));
}
