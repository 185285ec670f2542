import { describe, expect, it } from 'vitest';
import { chooseVector, parseVtr } from './vectors-of-trust.js';

describe('NHS login vectors of trust', () => {
  it('answers with the strongest requested vector the identity level meets, the first listed on a tie', () => {
    expect(chooseVector(['P5.Cp.Cd', 'P9.Cp.Cd'], 'P9')).toBe('P9.Cp.Cd');
    expect(chooseVector(['P9.Cp.Cd', 'P9.Cp.Ck', 'P9.Cm'], 'P9')).toBe('P9.Cp.Cd');
    expect(chooseVector(['P9.Cp.Cd', 'P5.Cp.Cd'], 'P5')).toBe('P5.Cp.Cd');
    expect(chooseVector(['P0.Cp'], 'P5')).toBe('P0.Cp');
    expect(chooseVector(['P9.Cp.Cd', 'P5.Cp.Cd'], 'P0')).toBeUndefined();
  });

  it('reads vtr as a JSON array, defaults to P9 when absent, and names the problem when malformed', () => {
    expect(parseVtr('["P9.Cp.Cd","P5.Cp.Cd"]')).toEqual({ vectors: ['P9.Cp.Cd', 'P5.Cp.Cd'] });
    expect(parseVtr(undefined)).toEqual({ vectors: ['P9.Cp.Cd'] });
    for (const bad of ['P9.Cp.Cd', '[]', '["P7.Cp"]', '[9]', '{"P9":1}']) {
      expect(parseVtr(bad), bad).toEqual({ problem: expect.stringMatching(/vtr must be/) });
    }
  });
});
