import path from 'node:path';
import { z } from 'zod';
import { SAFETY_DIR, readJsonFile } from './safety-files.js';

export const LIKELIHOODS = ['very-low', 'low', 'medium', 'high', 'very-high'] as const;
export const CONSEQUENCES = ['minor', 'significant', 'considerable', 'major', 'catastrophic'] as const;
export type Likelihood = (typeof LIKELIHOODS)[number];
export type Consequence = (typeof CONSEQUENCES)[number];
export type Risk = 1 | 2 | 3 | 4 | 5;

const level = z.object({ id: z.string(), label: z.string().min(1), meaning: z.string().min(1) });
const riskValue = z.number().int().min(1).max(5);
const row = z.array(riskValue).length(CONSEQUENCES.length);

/** safety/risk-matrix.json: each likelihood's row gives the risk for each consequence, minor to catastrophic. */
const matrixFile = z.object({
  source: z.string().min(1),
  likelihood: z.array(level).length(LIKELIHOODS.length),
  consequence: z.array(level).length(CONSEQUENCES.length),
  risk: z.object(Object.fromEntries(LIKELIHOODS.map((l) => [l, row])) as Record<Likelihood, typeof row>),
  ratings: z.array(z.object({ risk: riskValue, label: z.string().min(1), meaning: z.string().min(1) })).length(5),
}).refine((m) => m.likelihood.every((l, i) => l.id === LIKELIHOODS[i]) && m.consequence.every((c, i) => c.id === CONSEQUENCES[i]), {
  message: 'likelihoods and consequences must be listed lowest first, with the ids the code knows',
});

export type RiskMatrix = z.infer<typeof matrixFile>;

let loaded: RiskMatrix | undefined;

/** NHS England's clinical risk matrix, as shipped in safety/risk-matrix.json. */
export function riskMatrix(): RiskMatrix {
  loaded ??= matrixFile.parse(readJsonFile(path.join(SAFETY_DIR, 'risk-matrix.json')));
  return loaded;
}

/** The risk a likelihood and a consequence give: a look-up in the matrix, never a product. */
export function riskOf(likelihood: Likelihood, consequence: Consequence): Risk {
  return riskMatrix().risk[likelihood][CONSEQUENCES.indexOf(consequence)] as Risk;
}

export const likelihoodLabel = (l: Likelihood) => riskMatrix().likelihood[LIKELIHOODS.indexOf(l)].label;
export const consequenceLabel = (c: Consequence) => riskMatrix().consequence[CONSEQUENCES.indexOf(c)].label;
export const riskLabel = (r: Risk) => riskMatrix().ratings.find((x) => x.risk === r)?.label ?? String(r);

/** Risks of 4 and 5 stand only with the clinical safety officer's written acceptance. */
export const needsAcceptance = (r: Risk) => r >= 4;
