import type { Actor } from '../access/actor.js';
import { policy } from '../access/policy.js';

/** Header links for what the actor's role can do. */
export function navigationFor(actor: Actor | null, url: string) {
  if (!actor) return [];
  const items: { href: string; text: string }[] = [{ href: '/', text: 'Home' }];
  if (policy.searchChildren(actor).allowed || policy.findChildForAccessLog(actor).allowed) items.push({ href: '/children', text: 'Find a child' });
  if (policy.searchChildren(actor).allowed) {
    items.push({ href: '/worklist', text: 'Worklist' });
    items.push({ href: '/tasks', text: 'Tasks' });
    items.push({ href: '/mdt', text: 'MDT meetings' });
    items.push({ href: '/care-plans/reviews', text: 'Plan reviews' });
    items.push({ href: '/referrals', text: 'Referrals and advice' });
  }
  if (actor.role === 'paediatrician') items.push({ href: '/referrals/triage', text: 'Triage' });
  if (policy.manageClinics(actor).allowed) items.push({ href: '/clinics', text: 'Clinics' });
  if (policy.bookClinics(actor).allowed) items.push({ href: '/clinics/booking', text: 'Clinic booking' });
  // Hub activity and case finding are reached from the population pages where a role has them: more header links
  // would run off a paediatrician's menu.
  if (policy.viewPopulation(actor).allowed) items.push({ href: '/population', text: 'Population' });
  else if (policy.viewActivity(actor).allowed) items.push({ href: '/activity', text: 'Hub activity' });
  if (policy.reviewBreakGlass(actor).allowed) items.push({ href: '/privacy/break-glass', text: 'Emergency access reviews' });
  if (policy.viewClinicalSafety(actor).allowed) items.push({ href: '/safety/hazards', text: 'Clinical safety' });
  if (actor.role === 'privacy-officer') items.push({ href: '/privacy/account-checks', text: 'Account changes' });
  if (policy.manageOrganisations(actor).allowed) {
    items.push({ href: '/admin/organisations', text: 'Organisations' });
    items.push({ href: '/admin/clusters', text: 'Clusters' });
    items.push({ href: '/admin/users', text: 'Users' });
    items.push({ href: '/admin/letter-templates', text: 'Letter templates' });
  }
  const path = url.split('?')[0];
  // Only the most specific section is highlighted: /referrals/triage is Triage, not also Referrals.
  const within = (href: string) => href !== '/' && (path === href || path.startsWith(`${href}/`));
  const section = items.filter((i) => within(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((i) => ({ ...i, current: i.href === path, active: i === section }));
}
