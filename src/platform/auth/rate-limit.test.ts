import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './rate-limit.js';

describe('sign-in throttle', () => {
  it('blocks an email after 5 failures within 15 minutes, and lets it in again after', () => {
    const t = new SignInThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 5; i++) t.recordFailure('gp@x.test', '1.1.1.1', now + i);
    expect(t.isBlocked('gp@x.test', '2.2.2.2', now + 10)).toBe(true);
    expect(t.isBlocked('other@x.test', '2.2.2.2', now + 10)).toBe(false);
    expect(t.isBlocked('gp@x.test', '2.2.2.2', now + 15 * 60 * 1000 + 10)).toBe(false);
  });

  it('blocks an address trying many emails', () => {
    const t = new SignInThrottle();
    for (let i = 0; i < 20; i++) t.recordFailure(`user${i}@x.test`, '9.9.9.9', 5);
    expect(t.isBlocked('new@x.test', '9.9.9.9', 6)).toBe(true);
  });

  it('forgets an email’s failures after a successful sign-in', () => {
    const t = new SignInThrottle();
    for (let i = 0; i < 4; i++) t.recordFailure('gp@x.test', '1.1.1.1', 1);
    t.recordSuccess('gp@x.test');
    t.recordFailure('gp@x.test', '1.1.1.1', 2);
    expect(t.isBlocked('gp@x.test', '3.3.3.3', 3)).toBe(false);
  });
});
