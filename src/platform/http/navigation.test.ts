import { describe, expect, it } from 'vitest';
import type { Actor } from '../access/actor.js';
import { ROLE_IDS, type Role } from '../access/roles.js';
import { navigationFor } from './navigation.js';

const as = (role: Actor['role']): Actor => ({ icsId: 'i', professionalId: 'p', name: 'N', email: 'e', role, organisationId: 'o', organisationName: 'O' });
const active = (role: Actor['role'], url: string) => navigationFor(as(role), url).filter((i) => i.active).map((i) => i.text);

describe('header navigation', () => {
  it('highlights only the most specific section a page is in', () => {
    expect(active('paediatrician', '/referrals/triage?page=2')).toEqual(['Triage']);
    expect(active('paediatrician', '/referrals/123')).toEqual(['Referrals and advice']);
    expect(active('hub-admin', '/clinics/booking')).toEqual(['Clinic booking']);
    expect(active('hub-admin', '/clinics/abc')).toEqual(['Clinics']);
    expect(active('gp', '/')).toEqual([]);
  });

  it('offers each role what it may do: booking to hub administrators, letter templates to administrators', () => {
    const texts = (role: Actor['role']) => navigationFor(as(role), '/').map((i) => i.text);
    expect(texts('hub-admin')).toEqual(['Home', 'Clinics', 'Clinic booking', 'Hub activity']);
    expect(texts('admin')).toContain('Letter templates');
    expect(texts('gp')).not.toContain('Clinic booking');
    expect(texts('senco')).not.toContain('Hub activity');
    // Those who see the population pages reach hub activity from there, keeping the header short.
    expect(texts('paediatrician')).toContain('Population');
    expect(texts('paediatrician')).not.toContain('Hub activity');
    expect(texts('senco')).not.toContain('Population');
  });
});

describe('header navigation matrix: every role and every menu item', () => {
  const CARE = ['Home', 'My children', 'Find a child', 'Worklist', 'Tasks', 'MDT meetings', 'Plan reviews', 'Referrals and advice'];
  /** Each role's whole header, in order, written out from who may use each page. */
  const MENUS: Record<Role | 'system', string[]> = {
    gp: [...CARE, 'Population'],
    'practice-nurse': CARE,
    paediatrician: [...CARE, 'Triage', 'Clinics', 'Population'],
    'care-coordinator': CARE,
    'health-visitor': CARE,
    'school-nurse': CARE,
    'camhs-clinician': CARE,
    'social-worker': CARE,
    senco: CARE,
    'youth-justice-worker': CARE,
    'ics-analyst': ['Home', 'Population', 'Care models'],
    'privacy-officer': ['Home', 'Find a child', 'Emergency access reviews', 'Clinical safety', 'Account changes'],
    'hub-admin': ['Home', 'Clinics', 'Clinic booking', 'Hub activity'],
    admin: ['Home', 'Population', 'Care models', 'Clinical safety', 'Organisations', 'Clusters', 'Users', 'Letter templates', 'Advice library', 'Virtual ward set-up', 'Family access settings'],
    'clinical-lead': ['Home', 'Advice library', 'Virtual ward set-up', 'Advice figures'],
    system: ['Home'],
  };

  it.each(Object.entries(MENUS))('%s sees exactly its menu', (role, menu) => {
    expect(navigationFor(as(role as Actor['role']), '/').map((i) => i.text)).toEqual(menu);
  });

  it('covers every role', () => {
    expect(Object.keys(MENUS).sort()).toEqual([...ROLE_IDS, 'system'].sort());
  });

  it('shows no header to someone not signed in', () => {
    expect(navigationFor(null, '/')).toEqual([]);
  });
});
