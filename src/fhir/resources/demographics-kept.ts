import type { Address, ContactPoint, HumanName } from '@medplum/fhirtypes';
import type { Issue } from '../outcome.js';

/**
 * Children and carers keep the few details their tables hold: one name
 * (family and given names, the given names as one), a phone and an email, an
 * address as the postcode district (children) or one line of text (carers).
 * A sender's fuller name, contact points and address are accepted, and each
 * part not kept is named in a warning, so nothing is lost without a word.
 */

const warning = (expression: string, text: string): Issue => ({ severity: 'warning', code: 'not-supported', expression, text });
const notKept = (path: string) => warning(path, `Joinery does not keep ${path}: it was not saved and will not be given back.`);

/** The name at `kept` is the one saved; `servedUse` is the use it comes back with, if any. */
export function namePartsNotKept(type: string, names: HumanName[] | undefined, kept: number, servedUse?: string): Issue[] {
  return (names ?? []).flatMap((n, i): Issue[] => {
    const path = `${type}.name[${i}]`;
    if (i !== kept) return [notKept(path)];
    const parts: Issue[] = (['text', 'prefix', 'suffix', 'period'] as const).filter((k) => n[k] !== undefined).map((k) => notKept(`${path}.${k}`));
    if (n.use !== undefined && n.use !== servedUse) parts.push(notKept(`${path}.use`));
    if ((n.given?.length ?? 0) > 1) {
      parts.push(warning(`${path}.given`, `Joinery keeps the given names as one: they will be given back as "${n.given!.join(' ')}".`));
    }
    return parts;
  });
}

/** Contact points: the first of each system in `kept` keeps its value only. */
export function telecomNotKept(type: string, telecom: ContactPoint[] | undefined, kept: readonly string[]): Issue[] {
  const first = new Map<string, number>();
  telecom?.forEach((t, i) => {
    if (t.system && kept.includes(t.system) && t.value && !first.has(t.system)) first.set(t.system, i);
  });
  return (telecom ?? []).flatMap((t, i): Issue[] => {
    const path = `${type}.telecom[${i}]`;
    if (first.get(t.system ?? '') !== i) return [notKept(path)];
    return (['use', 'rank', 'period'] as const).filter((k) => t[k] !== undefined).map((k) => notKept(`${path}.${k}`));
  });
}

/**
 * Addresses: a child's first postcode keeps only its district; a carer's
 * first address becomes one line of text (its text, or its lines, town and
 * postcode joined). Every other address, and every other part, is named.
 */
export function addressNotKept(type: string, addresses: Address[] | undefined, keeps: 'district' | 'text', district?: string | null): Issue[] {
  const kept = keeps === 'district' ? (addresses ?? []).findIndex((a) => a.postalCode) : 0;
  return (addresses ?? []).flatMap((a, i): Issue[] => {
    const path = `${type}.address[${i}]`;
    if (i !== kept) return [notKept(path)];
    if (keeps === 'text') {
      const structured = Object.keys(a).filter((k) => k !== 'text');
      if (!structured.length) return [];
      return a.text
        ? structured.map((k) => notKept(`${path}.${k}`))
        : [warning(path, 'Joinery keeps a carer’s address as one line of text: its lines, town and postcode will be given back joined, as text.')];
    }
    const parts = Object.keys(a).filter((k) => k !== 'postalCode').map((k) => notKept(`${path}.${k}`));
    if (a.postalCode && district && a.postalCode.trim().toUpperCase() !== district) {
      parts.push(warning(`${path}.postalCode`, `Joinery keeps a child’s postcode only as its district: it will be given back as ${district}.`));
    }
    return parts;
  });
}
