import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Output } from './output.js';
import { withIcs } from './client-add.js';
import { CannotEvaluateError, evaluateModel, UnknownIndicatorError, UnknownModelError } from '../population/service.js';
import { METHODS } from '../population/index.js';
import { timeToJudgement } from '../models/service.js';

export const EVALUATE_HELP =
  'joinery evaluate --indicator ID --model NAME [--method its|did] [--ics CODE]\n' +
  'joinery evaluate --indicator ID --model NAME --power [--effect -0.15] [--power-level 0.8] [--ics CODE]\n\n' +
  '  Estimates a care model\'s effect on an indicator from the monthly rollups, and prints it as JSON:\n' +
  '  {"method", "effect", "ci95", "indicator", "model", "trueEffect", "clusters", "start", "rampMonths",\n' +
  '   "preMonths", "postMonths", "excludedMonths", "fit", "details", "caveats"}.\n' +
  '  effect is relative at full effect (-0.15 = 15% fewer), with its 95% confidence interval ci95; the ramp-up\n' +
  '  months are left out; trueEffect is the injected effect when the data is synthetic (else null).\n' +
  '  --indicator ID  an indicator id (joinery indicators lists them), e.g. ed-attendances\n' +
  '  --model NAME    the care model as recorded, e.g. child-health-hub\n' +
  '  --method        its: interrupted time series of the clusters with the model (default);\n' +
  '                  did: difference-in-differences against the clusters without it\n' +
  '  --ics CODE      the ICS (needed when there is more than one)\n' +
  '  --power         instead, when the model can be judged: prints {"monthsNeeded", "effect", "power", "method", "basis"},\n' +
  '                  the months after the start at which difference-in-differences would detect --effect (relative,\n' +
  '                  default -0.15) with --power-level (default 0.8), from the indicator\'s own variation before the\n' +
  '                  start and the hubs with and without the model; monthsNeeded is null when it cannot be estimated\n' +
  '  Exits 2 for a bad option, indicator or model; 1 when the data cannot support the method (the message says why).';

const flagsShape = z.object({
  indicator: z.string({ error: '--indicator is required, e.g. --indicator ed-attendances' }).trim().min(1, '--indicator is required, e.g. --indicator ed-attendances'),
  model: z.string({ error: '--model is required, e.g. --model child-health-hub' }).trim().min(1, '--model is required, e.g. --model child-health-hub'),
  method: z.enum(METHODS, { error: '--method must be its or did' }).default('its'),
  ics: z.string().trim().min(1, '--ics needs an ICS code').max(40).optional(),
  power: z.boolean().optional(),
  effect: z.coerce.number({ error: '--effect must be a number, e.g. -0.15' }).refine((e) => e > -1 && e < 1 && e !== 0, '--effect must be a relative change between -1 and 1, not 0, e.g. -0.15').default(-0.15),
  'power-level': z.coerce.number({ error: '--power-level must be a number, e.g. 0.8' }).refine((p) => p >= 0.5 && p < 1, '--power-level must be from 0.5 to below 1, e.g. 0.8').default(0.8),
});

/** `joinery evaluate`: a care model's effect on an indicator, as JSON. */
export async function evaluateCommand(config: Config, args: string[], io: Output): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  // "--effect -0.15" as the help writes it: parseArgs would take a value starting with "-" for an option, so it is joined as --effect=-0.15.
  const joined = args.flatMap((a, i) => (a === '--effect' && /^-\d/.test(args[i + 1] ?? '') ? [] : i > 0 && args[i - 1] === '--effect' && /^-\d/.test(a) ? [`--effect=${a}`] : [a]));
  try {
    ({ values } = parseArgs({
      args: joined, strict: true, allowPositionals: false,
      options: {
        indicator: { type: 'string' }, model: { type: 'string' }, method: { type: 'string' }, ics: { type: 'string' },
        power: { type: 'boolean' }, effect: { type: 'string' }, 'power-level': { type: 'string' },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${EVALUATE_HELP}`);
    return 2;
  }
  const flags = flagsShape.safeParse(values);
  if (!flags.success) {
    io.err(`${flags.error.issues.map((i) => i.message).join('\n')}\n\n${EVALUATE_HELP}`);
    return 2;
  }
  const { indicator, model, method, ics: code } = flags.data;
  if (!flags.data.power && (values.effect !== undefined || values['power-level'] !== undefined)) {
    io.err(`--effect and --power-level go with --power\n\n${EVALUATE_HELP}`);
    return 2;
  }
  return withIcs(config, code, io, async (db, ics) => {
    try {
      if (flags.data.power) {
        const judgement = await db.tenant(ics.id, (tx) => timeToJudgement(tx, ics.id, { indicatorId: indicator, model, effect: flags.data.effect, power: flags.data['power-level'] }));
        io.out(JSON.stringify(judgement, null, 2));
        return 0;
      }
      const result = await db.tenant(ics.id, (tx) => evaluateModel(tx, ics.id, { indicatorId: indicator, model, method }));
      io.out(JSON.stringify(result, null, 2));
      return 0;
    } catch (error) {
      if (error instanceof UnknownIndicatorError || error instanceof UnknownModelError) {
        io.err(error.message);
        return 2;
      }
      if (error instanceof CannotEvaluateError) {
        io.err(`Cannot evaluate ${model} on ${indicator} by ${method === 'its' ? 'interrupted time series' : 'difference-in-differences'}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  });
}
