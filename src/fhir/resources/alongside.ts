import type { Resource } from '@medplum/fhirtypes';
import { unprocessable } from '../outcome.js';
import type { Page, Query, Reading, ResourceHandler } from './handler.js';

/**
 * A second source of one resource type, served beside the type's own
 * handler: the virtual ward's visits beside recorded contacts (Encounter),
 * its observation sets beside record entries (Observation), its escalations
 * beside safeguarding flags (Flag). Read only.
 */
export interface ExtraSource {
  /** Whether this id is one of the source's (for a read, and to refuse a write to it). */
  owns(r: Reading, id: string): Promise<boolean>;
  /** Ids only this source can have (by their shape), whether or not one exists. */
  claims?(id: string): boolean;
  /** One resource by id, through the door to its child (404 when not found). */
  read(r: Reading, id: string): Promise<Resource>;
  /** Every match for one child's search, filtered by the parameters it understands; a filter it cannot meet matches nothing here. */
  search(r: Reading, query: Query): Promise<Resource[]>;
  everything(r: Reading, childId: string): Promise<Resource[]>;
  /** Why a write to one of its resources is refused. */
  readOnly: string;
  /** Added to the type's documentation in the CapabilityStatement. */
  documentation: string;
}

/**
 * The handler's results first, then the source's, paged as one list: the
 * handler pages its own (and says its total), the source fills the rest.
 */
export function alongside(base: ResourceHandler, extra: ExtraSource): ResourceHandler {
  return {
    ...base,
    documentation: `${base.documentation} ${extra.documentation}`,
    async read(r, id) {
      if (extra.claims?.(id) || (await extra.owns(r, id))) return extra.read(r, id);
      return base.read(r, id);
    },
    async search(r: Reading, query: Query, page: Page) {
      const own = await base.search(r, query, page);
      const more = await extra.search(r, query);
      const from = Math.max(0, page.offset - own.total);
      const room = page.count - own.resources.length;
      return { resources: [...own.resources, ...(room > 0 ? more.slice(from, from + room) : [])], total: own.total + more.length };
    },
    async everything(r, childId) {
      return [...((await base.everything?.(r, childId)) ?? []), ...(await extra.everything(r, childId))];
    },
    ...(base.write
      ? {
        async write(i, resource, targetId, expectedVersion) {
          if (targetId && (extra.claims?.(targetId) || (await extra.owns(i, targetId)))) throw unprocessable(extra.readOnly, `${base.type}.id`);
          return base.write!(i, resource, targetId, expectedVersion);
        },
      }
      : {}),
  };
}
