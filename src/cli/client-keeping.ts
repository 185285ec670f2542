import type { Config } from '../platform/config.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { clientActor, commandLineClient, listClients, revokeClient, rotateClientSecret } from '../fhir/service.js';
import { withIcs } from './client-add.js';

type Io = { out: (l: string) => void; err: (l: string) => void };

/** `joinery client list`: the ICS's FHIR clients as a table. */
export function clientListCommand(config: Config, ics: string | undefined, io: Io): Promise<number> {
  return withIcs(config, ics, io, async (db, chosen) => {
    const clients = await db.tenant(chosen.id, (tx) => listClients(tx, chosen.id));
    if (!clients.length) {
      io.out(`${chosen.code} has no FHIR clients: add one with joinery client add.`);
      return 0;
    }
    const table = [['ID', 'NAME', 'SCOPES', 'ORGANISATION', 'STATUS', 'LAST TOKEN']].concat(clients.map((c) => [
      c.id, c.name, c.scopes, c.organisationName ?? 'whole ICS',
      c.revokedAt ? `revoked ${c.revokedAt.slice(0, 16).replace('T', ' ')}` : 'active', c.lastTokenAt?.slice(0, 16).replace('T', ' ') ?? 'never',
    ]));
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    for (const row of table) io.out(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
    return 0;
  });
}

/**
 * `joinery client revoke ID` and `joinery client rotate ID`, audited as the
 * command line (the ICS's own integration engine, as imports are).
 */
export function clientChangeCommand(config: Config, change: 'revoke' | 'rotate', id: string, ics: string | undefined, io: Io): Promise<number> {
  return withIcs(config, ics, io, async (db, chosen) => {
    try {
      const done = await db.tenant(chosen.id, async (tx) => {
        const actor = (await clientActor(tx, chosen.id, await commandLineClient(tx, chosen.id), []))!;
        const why = 'Changed from the command line by the server operator';
        if (change === 'revoke') return { client: await revokeClient(tx, actor, id, why), secret: undefined };
        return rotateClientSecret(tx, actor, id, why);
      });
      if (done.secret) io.out(JSON.stringify({ client_id: done.client.id, client_secret: done.secret }));
      else io.out(`Revoked ${done.client.name} (${done.client.id}): its tokens no longer work.`);
      return 0;
    } catch (e) {
      if (!(e instanceof NotFoundError || e instanceof ConflictError)) throw e;
      io.err(e.message);
      return 1;
    }
  });
}
