import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { hazardSchema, safetyCaseSchema, type Hazard, type HazardLog } from './hazard-schema.js';
import { REPOSITORY_ROOT, SAFETY_DIR, readJsonFile } from './safety-files.js';

function parseFile<S extends z.ZodType>(schema: S, file: string): z.infer<S> {
  const parsed = schema.safeParse(readJsonFile(file));
  if (parsed.success) return parsed.data;
  const where = path.relative(REPOSITORY_ROOT, file);
  throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
}

/**
 * The hazard log from a safety folder: safety-case.json and one hazards/Hnnn-what-goes-wrong.json
 * per hazard, in id order. A file whose name does not start with its hazard's id is refused,
 * so the folder listing and the log never disagree.
 */
export function loadHazardLog(dir = SAFETY_DIR): HazardLog {
  const safetyCase = parseFile(safetyCaseSchema, path.join(dir, 'safety-case.json'));
  const hazardDir = path.join(dir, 'hazards');
  const hazards: Hazard[] = fs.readdirSync(hazardDir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const hazard = parseFile(hazardSchema, path.join(hazardDir, f));
    if (!f.startsWith(`${hazard.id}-`)) throw new Error(`${path.relative(REPOSITORY_ROOT, path.join(hazardDir, f))}: the file name must start with the hazard's id, ${hazard.id}-`);
    return hazard;
  });
  return { safetyCase, hazards };
}
