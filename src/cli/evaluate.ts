import type { Config } from '../platform/config.js';
import type { Output } from '../main.js';

export const EVALUATE_HELP = 'joinery evaluate --indicator ID --model NAME [--method its|did] [--ics CODE]';

export async function evaluateCommand(_config: Config, _args: string[], io: Output): Promise<number> {
  io.err('joinery evaluate is being built');
  return 2;
}
