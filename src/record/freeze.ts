// The freeze check moved to platform/access/freeze.ts: every capability that writes a child's data asks it.
// Kept only for record/service.ts and record/policy.ts, which are being rewritten; import platform's directly.
export { freezeRefusal, refuseIfFrozen, writableWhileFrozen } from '../platform/access/freeze.js';
