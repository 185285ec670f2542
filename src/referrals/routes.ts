import type { RouteModule } from '../platform/http/app.js';

/** Advice requests and referrals: asking, triage, the message thread and the timeline. */
export const referralRoutes: RouteModule = () => {};
