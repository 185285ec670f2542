import { z } from 'zod';
import path from 'node:path';
import net from 'node:net';

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
  JOINERY_SESSION_MAX_HOURS: z.coerce.number().int('JOINERY_SESSION_MAX_HOURS must be a whole number of hours')
    .min(1, 'JOINERY_SESSION_MAX_HOURS must be between 1 and 24').max(24, 'JOINERY_SESSION_MAX_HOURS must be between 1 and 24').default(12),
  JOINERY_PUBLIC_URL: z.string().optional().or(z.literal('').transform(() => undefined)),
  JOINERY_TRUSTED_PROXIES: z.string().default(''),
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
  /** A session ends this long after sign-in, however busy. */
  sessionMaxHours: number;
  /** Where users reach Joinery, e.g. https://joinery.example.nhs.uk (origin only): every absolute link starts with it. */
  publicUrl: string;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-* headers are believed; none by default. */
  trustedProxies: string[];
  production: boolean;
};

export class ConfigError extends Error {}

/** The public URL's origin, or a message saying what is wrong with it. */
function publicOrigin(value: string): string | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'JOINERY_PUBLIC_URL must be a full URL, like https://joinery.example.nhs.uk' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'JOINERY_PUBLIC_URL must start with https:// or http://' };
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return { problem: 'JOINERY_PUBLIC_URL must be just the scheme, host and port, with no path, query or user name' };
  }
  return url.origin;
}

/** An IP address, or a CIDR range like 10.0.0.0/8. */
function isAddressOrRange(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const version = net.isIP(address ?? '');
  if (!version || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const origin = publicOrigin(e.JOINERY_PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const proxies = e.JOINERY_TRUSTED_PROXIES.split(',').map((p) => p.trim()).filter(Boolean);
  const problems = [
    ...(typeof origin === 'string' ? [] : [origin.problem]),
    ...proxies.filter((p) => !isAddressOrRange(p)).map((p) => `JOINERY_TRUSTED_PROXIES: "${p}" is not an IP address or CIDR range`),
  ];
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.JOINERY_DATA_DIR),
    demoPassword: e.JOINERY_DEMO_PASSWORD,
    demoChildren: e.JOINERY_DEMO_CHILDREN,
    sessionIdleMinutes: e.JOINERY_SESSION_IDLE_MINUTES,
    sessionMaxHours: e.JOINERY_SESSION_MAX_HOURS,
    publicUrl: origin as string,
    trustedProxies: proxies,
    production: e.NODE_ENV === 'production',
  };
}
