import type { Form } from '../platform/http/form-body.js';
import { field, fieldList } from '../platform/http/form-body.js';
import { ACTIONS, type AdvicePage, type AdvicePageInput } from './page-format.js';

/**
 * The editor's form, which works without JavaScript: each age band is a
 * group of fields named b0-…, b1-…, one criterion a line; one empty band
 * is offered for adding, and a band left wholly empty is dropped.
 */

export const COLOURS = ['red', 'amber', 'green'] as const;
const LINES = ['red', 'amber', 'green', 'atHome'] as const;
export const MAX_BANDS = 8;

export type BandValues = { from: string; to: string; red: string; amber: string; green: string; atHome: string; whatToExpect: string; seekHelpAgain: string;
  actions: Record<(typeof COLOURS)[number], string[]> };
export type EditorValues = { id: string; title: string; condition: string; author: string; sources: string; demonstration: boolean; version: string; bands: BandValues[] };

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const blankBand = (): BandValues => ({ from: '', to: '', red: '', amber: '', green: '', atHome: '', whatToExpect: '', seekHelpAgain: '', actions: { red: [], amber: [], green: [] } });

/** A saved page as the form shows it, with one empty band to add. */
export function valuesOf(page: AdvicePage | null, version: number): EditorValues {
  const bands = (page?.ageBands ?? []).map((b) => ({
    from: String(b.fromMonths), to: String(b.toMonths), red: b.red.join('\n'), amber: b.amber.join('\n'), green: b.green.join('\n'), atHome: b.atHome.join('\n'),
    whatToExpect: b.whatToExpect, seekHelpAgain: b.seekHelpAgain, actions: { red: [...b.actions.red], amber: [...b.actions.amber], green: [...b.actions.green] },
  }));
  return {
    id: page?.id ?? '', title: page?.title ?? '', condition: page?.condition ?? '', author: page?.author ?? '', sources: (page?.sources ?? []).join('\n'),
    demonstration: page?.demonstration ?? false, version: String(version), bands: bands.length < MAX_BANDS ? [...bands, blankBand()] : bands,
  };
}

/** What was posted, bounded, to show again. */
export function postedValues(b: Form): EditorValues {
  const bands: BandValues[] = [];
  for (let i = 0; i < MAX_BANDS; i++) {
    const f = (k: string, max = 4000) => field(b, `b${i}-${k}`, max);
    const band: BandValues = {
      from: f('from', 4), to: f('to', 4), red: f('red'), amber: f('amber'), green: f('green'), atHome: f('atHome'), whatToExpect: f('whatToExpect', 1100),
      seekHelpAgain: f('seekHelpAgain', 1100),
      actions: { red: fieldList(b, `b${i}-actions-red`, 5), amber: fieldList(b, `b${i}-actions-amber`, 5), green: fieldList(b, `b${i}-actions-green`, 5) },
    };
    if (`b${i}-from` in b || `b${i}-red` in b) bands.push(band);
  }
  return {
    id: field(b, 'id', 60), title: field(b, 'title', 200), condition: field(b, 'condition', 200), author: field(b, 'author', 200), sources: field(b, 'sources', 4000),
    demonstration: field(b, 'demonstration', 5) === 'yes', version: field(b, 'version', 12), bands,
  };
}

const isEmpty = (b: BandValues) => !b.from && !b.to && LINES.every((k) => !b[k].trim()) && !b.whatToExpect.trim() && !b.seekHelpAgain.trim();

/** The page to check and save, and where each band came from on the form (for the error messages). */
export function pageFrom(values: EditorValues): { page: AdvicePageInput; formIndex: number[] } {
  const kept = values.bands.map((b, i) => ({ b, i })).filter(({ b }) => !isEmpty(b));
  const number = (v: string) => (/^\d{1,3}$/.test(v) ? Number(v) : (v as unknown as number));
  const known = (list: string[]) => list.filter((a): a is (typeof ACTIONS)[number] => (ACTIONS as readonly string[]).includes(a));
  return {
    formIndex: kept.map(({ i }) => i),
    page: {
      id: values.id, title: values.title, condition: values.condition, author: values.author, sources: lines(values.sources), demonstration: values.demonstration,
      ageBands: kept.map(({ b }) => ({
        fromMonths: number(b.from), toMonths: number(b.to), red: lines(b.red), amber: lines(b.amber), green: lines(b.green), atHome: lines(b.atHome),
        whatToExpect: b.whatToExpect, seekHelpAgain: b.seekHelpAgain,
        actions: { red: known(b.actions.red), amber: known(b.actions.amber), green: known(b.actions.green) },
      })),
    },
  };
}

/** A service's error key (ageBands.1.red, actions included) as the form field's id (b1-red). */
export function formFieldOf(key: string, formIndex: number[]): string {
  const m = /^ageBands\.(\d+)\.([A-Za-z]+)(?:\.([a-z]+))?/.exec(key);
  if (!m) return key === 'ageBands' ? 'b0-red' : key.split('.')[0];
  const band = formIndex[Number(m[1])] ?? Number(m[1]);
  const name = { fromMonths: 'from', toMonths: 'to' }[m[2]] ?? m[2];
  return name === 'actions' ? `b${band}-actions-${m[3] ?? 'red'}` : `b${band}-${name}`;
}
