import type { Reference, Resource } from '@medplum/fhirtypes';
import { unprocessable, type Issue } from '../outcome.js';
import type { Importing } from './handler.js';

/**
 * Nothing silently lost (decision 0019). Each writable type says which of a
 * resource's top-level elements it translates into Joinery's columns
 * (`mapped`) and which it keeps as the sender sent them (`kept`: every coding
 * of a code, components, exact times, units, links). Whatever is neither is
 * not saved, and the answer warns, naming each such element. What is kept is
 * given back on every read, where it still agrees with the columns: a later
 * change on a page wins over what a feed once sent.
 */
export type Elements = {
  mapped: readonly string[]; kept: readonly string[];
  /** Extensions (by URL) translated into columns: the others are kept as sent. */
  extensionUrls?: readonly string[];
  /**
   * A kept choice that Joinery serves as another (valueCodeableConcept served
   * as valueString): given back in its place while `same` says they agree.
   */
  replaces?: Record<string, { of: string; same: (sent: unknown, ours: unknown) => boolean }>;
};

/** Elements every write handles itself: the type, the sender's id (a link), meta (security labels are mapped; versions are ours). */
const HANDLED = new Set(['resourceType', 'id', 'meta']);

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * What to keep of a resource as sent, and a warning for each element
 * dropped. References inside kept elements are turned into Joinery's own
 * (`Encounter/<our id>`); one that names nothing Joinery holds keeps only its
 * identifier and display, with a warning, so no reference dangles.
 * A modifierExtension Joinery cannot understand is refused (FHIR requires it).
 */
export async function keepAsSent(
  i: Importing, resource: Resource, elements: Elements, extraMapped: readonly string[] = [],
): Promise<{ asSent: Record<string, unknown> | null; warnings: Issue[] }> {
  const type = resource.resourceType;
  const warnings: Issue[] = [];
  const asSent: Record<string, unknown> = {};
  const r = resource as unknown as Record<string, unknown>;
  if (r.modifierExtension !== undefined) {
    throw unprocessable('Joinery cannot keep a modifierExtension, which changes what the resource means; send it without one.', `${type}.modifierExtension`);
  }
  for (const [key, value] of Object.entries(r)) {
    if (HANDLED.has(key) || value === undefined) continue;
    if (key === 'extension') {
      const rest = Array.isArray(value) ? value.filter((e: { url?: string }) => !elements.extensionUrls?.includes(e?.url ?? '')) : [];
      if (rest.length && elements.kept.includes('extension')) asSent.extension = await ourReferences(i, rest, `${type}.extension`, warnings);
      else {
        for (const e of rest as { url?: string }[]) {
          warnings.push({ severity: 'warning', code: 'not-supported', text: `Joinery does not keep the extension ${e?.url}: it was not saved and will not be given back.`, expression: `${type}.extension` });
        }
      }
    } else if (elements.kept.includes(key)) {
      asSent[key] = await ourReferences(i, value, `${type}.${key}`, warnings);
    } else if (!elements.mapped.includes(key) && !extraMapped.includes(key)) {
      warnings.push({ severity: 'warning', code: 'not-supported', text: `Joinery does not keep ${type}.${key}: it was not saved and will not be given back.`, expression: `${type}.${key}` });
    }
  }
  return { asSent: Object.keys(asSent).length ? asSent : null, warnings };
}

async function ourReferences(i: Importing, value: unknown, path: string, warnings: Issue[]): Promise<unknown> {
  if (Array.isArray(value)) {
    const out = [];
    for (const [n, v] of value.entries()) out.push(await ourReferences(i, v, `${path}[${n}]`, warnings));
    return out;
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await ourReferences(i, v, `${path}.${k}`, warnings);
  const ref = value as Reference;
  if (typeof ref.reference === 'string' && !ref.reference.startsWith('#')) {
    const found = await i.find(ref);
    if (found) {
      out.reference = `${found.type}/${found.id}`;
    } else {
      delete out.reference;
      if (!ref.display && !ref.identifier) out.display = ref.reference;
      warnings.push({
        severity: 'warning', code: 'not-found',
        text: `${ref.reference} is not in Joinery: only what the reference says of it (identifier, display) was kept.`, expression: `${path}.reference`,
      });
    }
  }
  return out;
}

/** A choice's start (effectivePeriod.start, an instant) still on the day Joinery has. */
export const sameStart = (sent: unknown, ours: unknown) =>
  typeof ours === 'string' && (typeof sent === 'string' ? sent.startsWith(ours) : typeof (sent as { start?: unknown })?.start === 'string' && agrees((sent as { start: string }).start, ours));

/** Whether what a feed sent still says what the columns now say (a page may have changed them since). */
export function agrees(sent: unknown, ours: unknown): boolean {
  if (typeof ours === 'string') return typeof sent === 'string' && (sent === ours || sent.startsWith(ours) || ours.startsWith(sent));
  if (ours === null || typeof ours !== 'object') return sent === ours;
  if (Array.isArray(ours)) return Array.isArray(sent) && ours.every((o) => sent.some((s) => agrees(s, o)));
  if (!isObject(sent)) return false;
  const o = ours as Record<string, unknown>;
  if (Array.isArray(o.coding) || (typeof o.text === 'string' && Object.keys(o).length === 1)) {
    // A CodeableConcept: ours names one coding (or only words); the sender's must hold it.
    const first = (o.coding as { system?: string; code?: string }[] | undefined)?.[0];
    const codings = (sent.coding ?? []) as { system?: string; code?: string; display?: string }[];
    if (first) return codings.some((c) => c.system === first.system && c.code === first.code);
    return sent.text === o.text || codings.some((c) => c.display === o.text);
  }
  return Object.entries(o).every(([k, v]) => v === undefined || ((k === 'display' || k === 'text') && sent[k] === undefined) || agrees(sent[k], v));
}

/**
 * A resource as Joinery serves it, with what the feed sent laid over it: a
 * mapped element is replaced by the sender's fuller one only where they
 * agree; a kept element Joinery does not map is added; extensions are joined.
 */
export function withAsSent<R extends Resource>(ours: R, asSent: Record<string, unknown> | null, elements: Elements): R {
  if (!asSent) return ours;
  const out = { ...ours } as Record<string, unknown>;
  for (const [key, sent] of Object.entries(asSent)) {
    const choice = elements.replaces?.[key];
    if (choice) {
      if (out[choice.of] !== undefined && choice.same(sent, out[choice.of])) {
        delete out[choice.of];
        out[key] = sent;
      }
    } else if (key === 'extension') {
      out.extension = [...((out.extension as unknown[] | undefined) ?? []), ...(sent as unknown[])];
    } else if (elements.mapped.includes(key)) {
      if (out[key] !== undefined && agrees(sent, out[key])) out[key] = sent;
    } else if (elements.kept.includes(key)) {
      // (Medication's two views keep different elements of one entry: each gives back its own.)
      out[key] = sent;
    }
  }
  return out as R;
}

/** Deep equality of JSON values, whatever the key order (jsonb keeps its own). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
