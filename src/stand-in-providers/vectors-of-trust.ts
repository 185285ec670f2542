// NHS login's vectors of trust: the RP asks for one or more (vtr), the service answers with the
// strongest one the person's proven identity level meets (vot), or refuses.

/** What NHS login assumes when the RP sends no vtr. */
export const DEFAULT_VTR = ['P9.Cp.Cd'];

const VECTOR = /^P(0|5|9)(\.C[a-z]{1,2})+$/;
const RANK = { P0: 0, P5: 5, P9: 9 } as const;

/** The requested vectors, or a reason the vtr parameter is malformed. */
export function parseVtr(value: string | undefined): { vectors: string[] } | { problem: string } {
  if (value === undefined || value === '') return { vectors: DEFAULT_VTR };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { problem: 'vtr must be a JSON array of vectors of trust, such as ["P9.Cp.Cd"]' };
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((v) => typeof v === 'string' && VECTOR.test(v))) {
    return { problem: 'vtr must be a non-empty JSON array of vectors of trust, such as ["P9.Cp.Cd","P5.Cp.Cd"]' };
  }
  return { vectors: parsed as string[] };
}

const levelOf = (vector: string) => RANK[vector.split('.')[0] as keyof typeof RANK];

/** The strongest requested vector the person's identity level meets (first listed wins a tie), if any. */
export function chooseVector(requested: string[], identityLevel: keyof typeof RANK): string | undefined {
  let best: string | undefined;
  for (const vector of requested) {
    if (levelOf(vector) > RANK[identityLevel]) continue;
    if (best === undefined || levelOf(vector) > levelOf(best)) best = vector;
  }
  return best;
}
