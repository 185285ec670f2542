import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { withheldFigures } from '../population/service.js';
import { SUPPRESSED_WORDS } from '../population/index.js';

/**
 * The ICS's figures for its advice pages: how many were sent, opened by the
 * family and found helpful or not, by hub and by deprivation (Core20: the
 * most deprived fifth of areas, IMD deciles 1 and 2). In aggregate, no child
 * named; roles that do not care for children see counts of 1 to 7 withheld,
 * with enough beside each total that none can be worked out.
 */

export const COLUMNS = ['sent', 'opened', 'helpful', 'notHelpful'] as const;
type Column = (typeof COLUMNS)[number];
export type FigureRow = { group: string } & Record<Column, number>;
export type ShownRow = { group: string } & Record<Column, number | string>;

/** Each column of a table whose rows add up to its total, as a reader may see it. */
export function shownTable(groups: FigureRow[], suppress: boolean): ShownRow[] {
  const total: FigureRow = { group: 'All', sent: 0, opened: 0, helpful: 0, notHelpful: 0 };
  for (const g of groups) for (const c of COLUMNS) total[c] += g[c];
  const all = [...groups, total];
  const shown: ShownRow[] = all.map((r) => ({ ...r }));
  for (const c of COLUMNS) {
    const values = all.map((r) => r[c]);
    const hidden = suppress ? withheldFigures(values, [{ parts: groups.map((_, i) => i), total: groups.length }]) : values.map(() => false);
    hidden.forEach((h, i) => {
      if (h) shown[i][c] = SUPPRESSED_WORDS;
    });
  }
  return shown;
}

const counted = (icsId: string, group: ReturnType<typeof sql>) => sql`SELECT ${group} AS "group",
    count(*)::int AS sent, count(*) FILTER (WHERE s.first_opened_at IS NOT NULL)::int AS opened,
    count(*) FILTER (WHERE p.helpful)::int AS helpful, count(*) FILTER (WHERE p.helpful = false)::int AS "notHelpful"
  FROM advice_sending_page p
  JOIN advice_sending s ON s.ics_id = p.ics_id AND s.id = p.sending_id
  JOIN child c ON c.ics_id = s.ics_id AND c.id = s.child_id
  LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
  LEFT JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
  WHERE p.ics_id = ${icsId}::uuid
  GROUP BY 1 ORDER BY 1`;

export async function adviceFigures(tx: Tx, actor: Actor) {
  const may = policy.viewAdviceFigures(actor);
  if (!may.allowed) throw new ForbiddenError(may.reason);
  const suppress = !policy.seesSmallNumbers(actor).allowed;
  const byHub = await rows<FigureRow>(tx, counted(actor.icsId, sql`coalesce(cl.name, 'No hub')`));
  const byDeprivation = await rows<FigureRow>(tx, counted(actor.icsId, sql`CASE WHEN c.imd_decile IS NULL THEN 'Not known' WHEN c.imd_decile <= 2 THEN 'Core20 (most deprived fifth)' ELSE 'Other areas' END`));
  const byPage = await rows<FigureRow>(tx, sql`SELECT v.title AS "group", count(*)::int AS sent, count(*) FILTER (WHERE s.first_opened_at IS NOT NULL)::int AS opened,
      count(*) FILTER (WHERE p.helpful)::int AS helpful, count(*) FILTER (WHERE p.helpful = false)::int AS "notHelpful"
    FROM advice_sending_page p
    JOIN advice_sending s ON s.ics_id = p.ics_id AND s.id = p.sending_id
    JOIN advice_page_version v ON v.ics_id = p.ics_id AND v.page_id = p.page_id AND v.version = p.version
    WHERE p.ics_id = ${actor.icsId}::uuid
    GROUP BY 1 ORDER BY 1`);
  return { suppress, byHub: shownTable(byHub, suppress), byDeprivation: shownTable(byDeprivation, suppress), byPage: shownTable(byPage, suppress) };
}
