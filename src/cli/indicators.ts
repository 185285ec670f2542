import type { Config } from '../platform/config.js';
import type { Output } from '../main.js';

export const INDICATORS_HELP = 'joinery indicators [--ics CODE]';

export async function indicatorsCommand(_config: Config, _args: string[], io: Output): Promise<number> {
  io.err('joinery indicators is being built');
  return 2;
}
