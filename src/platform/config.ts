import { z } from 'zod';
import path from 'node:path';

/** Environment → typed configuration. The only module that reads process.env. */
const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  JOINERY_DATA_DIR: z.string().min(1).default('.joinery'),
  JOINERY_DEMO_PASSWORD: z.string().min(8, 'JOINERY_DEMO_PASSWORD must be at least 8 characters').optional(),
  JOINERY_DEMO_CHILDREN: z.coerce.number().int().min(100).max(500_000).default(20_000),
  JOINERY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  NODE_ENV: z.string().default('development'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  demoPassword: string | undefined;
  demoChildren: number;
  sessionIdleMinutes: number;
  production: boolean;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.JOINERY_DATA_DIR),
    demoPassword: e.JOINERY_DEMO_PASSWORD,
    demoChildren: e.JOINERY_DEMO_CHILDREN,
    sessionIdleMinutes: e.JOINERY_SESSION_IDLE_MINUTES,
    production: e.NODE_ENV === 'production',
  };
}
