import type { Config } from '../platform/config.js';
import type { Output } from '../main.js';

export const IMPORT_ACTIVITY_HELP = 'joinery import activity FILE.csv [--ics CODE]';

export async function importActivityCommand(_config: Config, _args: string[], io: Output): Promise<number> {
  io.err('joinery import activity is being built');
  return 2;
}
