import { assessPews, type ObservationSet, readObservationSet } from '../ambulatory/service.js';
import { readJsonInput } from './json-stdin.js';

type Output = { out: (l: string) => void; err: (l: string) => void };

export const PEWS_HELP =
  'joinery pews < observations.json\n\n' +
  '  Scores one set of observations on the national Paediatric Early Warning Score (NHS England System-wide PEWS,\n' +
  '  charts of September 2023; data/pews-chart.json) and prints the score and escalation level as JSON.\n' +
  '  In:  {"dateOfBirth": "2025-06-15", "observedAt": "2026-06-15T09:00:00Z", "respiratoryRate": 45, "heartRate": 145,\n' +
  '        "systolicBP": 95, "spo2": 96, "oxygen": {"device": "nasal-prongs", "litresPerMinute": 1.5},\n' +
  '        "respiratoryDistress": "none", "capillaryRefillSeconds": 2, "temperature": 38.2, "avpu": "A", "carer": "same"}\n' +
  '       Every observation may be left out. oxygen.device: none, nasal-prongs, face-mask, head-box, non-rebreather,\n' +
  '       high-flow, cpap or bipap, with litresPerMinute or fio2 (percent). respiratoryDistress: none, mild, moderate,\n' +
  '       severe. avpu: A, V, P or U. carer ("How is your child different since I last saw them?"): worse, same, better,\n' +
  '       asleep or unavailable; carerLevel: the level a "worse" asks for (none, low, medium, high or emergency; default medium).\n' +
  '       nurseConcern: none to emergency. suspectedSepsis, suspectedSepticShock, abnormalPupils: true or false.\n' +
  '  Out: {"ageBand", "score", "parameters", "escalation", "reasons", "missing"}; ageBand 0-11m, 1-4y, 5-12y or 13+y\n' +
  '       (completed years on the day observed); escalation none, low, medium, high or emergency: the highest of the\n' +
  '       score (1-4 low, 5-8 medium, 9-12 high, 13+ emergency) and every trigger.\n' +
  '  A JSON array of sets is answered with an array of results in the same order.\n' +
  '  The national chart is validated for inpatients only; the score supports clinical judgement, never replaces it.\n' +
  '  Exits 2, saying why and printing nothing, when any input is not valid.';

/** `joinery pews`: one set of observations (or an array of them) on standard input, the PEWS result(s) as JSON. */
export async function pewsCommand(io: Output, readInput?: () => Promise<string>): Promise<number> {
  const input = await readJsonInput('joinery pews < observations.json', readInput);
  if (!input.ok) {
    io.err(input.error);
    return 2;
  }
  const many = Array.isArray(input.json);
  const items: unknown[] = many ? (input.json as unknown[]) : [input.json];
  const sets: ObservationSet[] = [];
  const errors: string[] = [];
  const ignored = new Set<string>();
  items.forEach((item, i) => {
    const read = readObservationSet(item);
    const where = many ? `element ${i} (counting from 0): ` : '';
    if (!read.ok) errors.push(...read.errors.map((e) => where + e));
    else {
      sets.push(read.value);
      read.ignored.forEach((f) => ignored.add(f));
    }
  });
  // All or nothing: a half-printed array would pair results with the wrong children.
  if (errors.length) {
    io.err(errors.join('\n'));
    return 2;
  }
  const results = sets.map(assessPews);
  // Said on stderr, so stdout stays the result alone; a misspelt observation also shows in "missing".
  if (ignored.size) io.err(`Ignored unknown field${ignored.size > 1 ? 's' : ''}: ${[...ignored].join(', ')}.`);
  io.out(JSON.stringify(many ? results : results[0]));
  return 0;
}
