import type { Actor } from '../platform/access/actor.js';
import { allow, deny, type Decision } from '../platform/access/policy.js';

/**
 * Who may do what with the register of care models. The ICS's CYP lead is the
 * administrator role (decision record 0020): with the ICS analyst they keep
 * the register. A hub's lead paediatrician sees the models that run in the
 * hubs they lead, nothing else. Deny by default; no system or family role.
 */
const KEEPERS = { 'ics-analyst': 'ICS analyst', admin: 'CYP lead (administrator)' } as const;
const keeperOf = (actor: Actor) => (Object.prototype.hasOwnProperty.call(KEEPERS, actor.role) ? KEEPERS[actor.role as keyof typeof KEEPERS] : null);

export const modelsPolicy = {
  /** Add, describe, import: the ICS analyst and the CYP lead. */
  keepRegister(actor: Actor): Decision {
    const keeper = keeperOf(actor);
    return keeper ? allow(`care model register kept by the ${keeper}`) : deny('Only ICS analysts and the CYP lead (administrators) keep the register of care models.');
  },

  /** The whole register, its comparison and export: the people who keep it. */
  viewRegister(actor: Actor): Decision {
    const keeper = keeperOf(actor);
    return keeper ? allow(`care model register for the ${keeper}`) : deny('Your role does not see the whole register of care models.');
  },

  /** One model: its keepers, or a paediatrician leading one of the hubs it runs in. */
  viewModel(actor: Actor, modelHubs: readonly string[], ledHubs: readonly string[]): Decision {
    const whole = modelsPolicy.viewRegister(actor);
    if (whole.allowed) return whole;
    if (actor.role === 'paediatrician' && modelHubs.some((h) => ledHubs.includes(h))) return allow('lead paediatrician of a hub the model runs in');
    return deny('You see a care model only when it runs in a hub you lead.');
  },

  /**
   * One hub's standards, checklist scores and teaching sessions: the keepers,
   * or the paediatrician who leads that hub (issue 22: hub leads see their hubs).
   */
  seeHub(actor: Actor, hubId: string, ledHubs: readonly string[]): Decision {
    const whole = modelsPolicy.viewRegister(actor);
    if (whole.allowed) return whole;
    if (actor.role === 'paediatrician' && ledHubs.includes(hubId)) return allow('lead paediatrician of the hub');
    return deny('You see a hub’s standards, checklist and teaching only for a hub you lead.');
  },

  /** Record a teaching session the hub gave, or score the checklist for a hub: the keepers, or the hub's lead paediatrician. */
  recordForHub(actor: Actor, hubId: string, ledHubs: readonly string[]): Decision {
    const keeper = keeperOf(actor);
    if (keeper) return allow(`hub record kept by the ${keeper}`);
    if (actor.role === 'paediatrician' && ledHubs.includes(hubId)) return allow('lead paediatrician of the hub');
    return deny('Only ICS analysts, the CYP lead and the hub’s lead paediatrician record for a hub.');
  },
};

export type ModelsAction = keyof typeof modelsPolicy;
