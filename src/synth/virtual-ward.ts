import type { Tx } from '../platform/db/client.js';
import type { Rng } from '../platform/random/seeded.js';
import { setUpWard } from '../ambulatory/service.js';
import type { Structure } from './structure.js';

/**
 * The demo ICS's children's virtual ward: run by the community provider's
 * children's nurses (the demo community nurse first on the escalation rota,
 * a colleague next), with the demo paediatrician as its consultant and last
 * on the rota.
 */
export async function demoVirtualWard(tx: Tx, structure: Structure, icsName: string, ids: Rng): Promise<string | null> {
  const nurse = structure.demo.get('care-coordinator');
  const consultant = structure.demo.get('paediatrician');
  if (!nurse || !consultant) return null;
  const colleague = structure.places.flatMap((p) => p.careCoordinators).find((id) => id !== nurse.id);
  return setUpWard(tx, {
    id: ids.uuid(), icsId: structure.icsId, name: `${icsName} children’s virtual ward`, nursingTeamId: nurse.organisationId, consultantId: consultant.id,
    capacity: 20, rota: [nurse.id, ...(colleague ? [colleague] : []), consultant.id],
  });
}
