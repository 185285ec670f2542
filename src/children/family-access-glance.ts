import type { Tx } from '../platform/db/client.js';
import type { ChildAccess } from '../platform/access/door.js';

/**
 * Who has proxy or own access to the child online, on what basis, and the
 * next review due, for the child summary. Family access stands on children,
 * so children cannot import it: the composition root (src/app.ts) hands the
 * reader over at start. Without one the summary simply leaves it out.
 */
export type FamilyAccessGlance = {
  holders: { name: string; access: string; basis: string; status: string }[];
  nextReview: { on: string; what: string } | null;
};
type Reader = (tx: Tx, access: ChildAccess) => Promise<FamilyAccessGlance | null>;

let reader: Reader | null = null;

export function glanceAtFamilyAccessWith(read: Reader): void {
  reader = read;
}

export const familyAccessGlance = (tx: Tx, access: ChildAccess): Promise<FamilyAccessGlance | null> => (reader ? reader(tx, access) : Promise.resolve(null));
