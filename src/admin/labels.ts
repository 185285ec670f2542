export { KIND_LABELS } from '../platform/access/organisation-kinds.js';

/** Messages shown once after a successful change; the redirect names one by key so no text travels in the URL. */
export const NOTICES = {
  'organisation-added': 'Organisation added',
  'organisation-saved': 'Organisation changes saved',
  'cluster-added': 'Cluster added',
  'practice-added': 'Practice added to the cluster',
  'practice-removed': 'Practice removed from the cluster',
  'lead-changed': 'Lead paediatrician changed',
  'working-days-saved': 'Working days saved: new referrals and advice requests are due by them',
  'user-added': 'User added',
  'user-saved': 'User changes saved',
  'fhir-client-revoked': 'FHIR client revoked: its access tokens no longer work',
} as const;
export type Notice = keyof typeof NOTICES;

export function noticeText(value: unknown): string | undefined {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NOTICES, value) ? NOTICES[value as Notice] : undefined;
}
