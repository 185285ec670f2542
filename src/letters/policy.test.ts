import { describe, expect, it } from 'vitest';
import { EVERYONE, actorFor } from '../platform/access/test-actors.js';
import { letterPolicy } from './policy.js';

describe('letter template policy matrix', () => {
  it.each(EVERYONE)('%s editing the letter templates', (who) => {
    expect(letterPolicy.editTemplates(actorFor(who))).toEqual(who === 'admin'
      ? { allowed: true, why: 'administrator' }
      : { allowed: false, reason: 'Only an administrator changes the letter templates.' });
  });
});
