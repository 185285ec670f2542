import type { AdvicePageInput } from './page-format.js';

/** A small valid page for tests: fever with an under-3-months band and a 3-to-60-months band. Tests change what they check. */
export function testPage(overrides: Partial<AdvicePageInput> = {}): AdvicePageInput {
  const band = (fromMonths: number, toMonths: number, red: string) => ({
    fromMonths, toMonths, red: [red], amber: ['Breathing faster than usual'], green: ['Smiles and plays as usual'],
    actions: { red: ['999' as const], amber: ['111' as const, 'practice' as const], green: [] }, atHome: ['Give plenty of drinks'],
    whatToExpect: 'Most fevers get better within 3 to 4 days.', seekHelpAgain: 'If the fever lasts 5 days, get help again.',
  });
  return {
    id: 'fever', title: 'Fever', condition: 'Fever', author: 'Dr Author', approvedBy: 'Dr Approver', approvedOn: '2026-01-10', reviewBy: '2027-01-10',
    ageBands: [band(0, 3, 'A baby under 3 months with a temperature of 38°C or more'), band(3, 60, 'A rash that does not fade under a glass')],
    sources: ['NICE NG143'],
    ...overrides,
  };
}
