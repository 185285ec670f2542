import { z } from 'zod';
import path from 'node:path';
import net from 'node:net';
import fs from 'node:fs';

/** CIS2's authentication assurance levels (the ID token's acr), weakest first. */
export const CIS2_AALS = ['AAL1_USERPASS', 'AAL2_ANY', 'AAL2_OR_AAL3_ANY', 'AAL3_ANY'] as const;
export type Cis2Aal = (typeof CIS2_AALS)[number];

const optionalText = z.string().trim().optional().transform((v) => v || undefined);

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
  JOINERY_DATABASE_POOL: z.coerce.number().int('JOINERY_DATABASE_POOL must be a whole number of connections')
    .min(1, 'JOINERY_DATABASE_POOL must be between 1 and 200').max(200, 'JOINERY_DATABASE_POOL must be between 1 and 200').default(20),
  JOINERY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  JOINERY_SESSION_MAX_HOURS: z.coerce.number().int('JOINERY_SESSION_MAX_HOURS must be a whole number of hours')
    .min(1, 'JOINERY_SESSION_MAX_HOURS must be between 1 and 24').max(24, 'JOINERY_SESSION_MAX_HOURS must be between 1 and 24').default(12),
  JOINERY_PUBLIC_URL: z.string().optional().or(z.literal('').transform(() => undefined)),
  JOINERY_TRUSTED_PROXIES: z.string().default(''),
  NODE_ENV: z.string().default('development'),
  JOINERY_CIS2_ISSUER: optionalText,
  JOINERY_CIS2_CLIENT_ID: optionalText,
  JOINERY_CIS2_PRIVATE_KEY: optionalText,
  JOINERY_CIS2_REQUIRED_AAL: z.enum(CIS2_AALS, { message: `JOINERY_CIS2_REQUIRED_AAL must be one of ${CIS2_AALS.join(', ')}` }).default('AAL3_ANY'),
  JOINERY_NHS_LOGIN_ISSUER: optionalText,
  JOINERY_NHS_LOGIN_CLIENT_ID: optionalText,
  JOINERY_NHS_LOGIN_PRIVATE_KEY: optionalText,
  JOINERY_PASSWORD_SIGN_IN: z.enum(['on', 'off'], { message: 'JOINERY_PASSWORD_SIGN_IN must be on or off' }).default('on'),
  JOINERY_STAND_IN_CIS2_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  JOINERY_STAND_IN_NHS_LOGIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Connections the app keeps open to a PostgreSQL server (decision record 0027). */
  databasePool: number;
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
  /** NHS CIS2 for staff; null: the embedded demo's stand-in provider. */
  cis2: OidcProviderConfig | null;
  /** The assurance CIS2 must vouch for before a clinical role may sign in. */
  cis2RequiredAal: Cis2Aal;
  /** NHS login for families; null: the embedded demo's stand-in provider. */
  nhsLogin: OidcProviderConfig | null;
  /** Whether local email-and-password accounts may sign in (an ICS may switch them off). */
  passwordSignIn: boolean;
  /** Ports for the stand-in providers when no issuer is configured (0: any free port). */
  standInPorts: { cis2: number; nhsLogin: number };
};

/** Joinery as a client (relying party) of an OpenID Connect provider. */
export type OidcProviderConfig = {
  issuer: string;
  clientId: string;
  /** A PEM or JWK file holding Joinery's private key for private_key_jwt. */
  privateKeyPath: string;
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

/**
 * One provider's settings: all three or none (none: the demo's stand-in).
 * The issuer must be https (http only on this machine, for testing) and the key file readable.
 */
function oidcProvider(prefix: string, issuer?: string, clientId?: string, keyPath?: string): OidcProviderConfig | { problems: string[] } | null {
  if (!issuer && !clientId && !keyPath) return null;
  const problems: string[] = [];
  if (!issuer) problems.push(`${prefix}_ISSUER must be set when ${prefix}_CLIENT_ID or ${prefix}_PRIVATE_KEY is`);
  if (!clientId) problems.push(`${prefix}_CLIENT_ID must be set when ${prefix}_ISSUER is (the client id the provider gave Joinery)`);
  if (!keyPath) problems.push(`${prefix}_PRIVATE_KEY must be set when ${prefix}_ISSUER is (the path of Joinery's private key, PEM or JWK)`);
  else if (!fs.existsSync(keyPath) || !fs.statSync(keyPath).isFile()) problems.push(`${prefix}_PRIVATE_KEY: no file at ${keyPath}`);
  let url: URL | undefined;
  try {
    url = issuer ? new URL(issuer) : undefined;
  } catch {
    problems.push(`${prefix}_ISSUER must be a full URL, like https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare`);
  }
  const local = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) problems.push(`${prefix}_ISSUER must start with https:// (http:// only for localhost)`);
  if (problems.length) return { problems };
  return { issuer: issuer!, clientId: clientId!, privateKeyPath: path.resolve(keyPath!) };
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
  const cis2 = oidcProvider('JOINERY_CIS2', e.JOINERY_CIS2_ISSUER, e.JOINERY_CIS2_CLIENT_ID, e.JOINERY_CIS2_PRIVATE_KEY);
  const nhsLogin = oidcProvider('JOINERY_NHS_LOGIN', e.JOINERY_NHS_LOGIN_ISSUER, e.JOINERY_NHS_LOGIN_CLIENT_ID, e.JOINERY_NHS_LOGIN_PRIVATE_KEY);
  problems.push(...[cis2, nhsLogin].flatMap((p) => (p && 'problems' in p ? p.problems : [])));
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.JOINERY_DATA_DIR),
    demoPassword: e.JOINERY_DEMO_PASSWORD,
    demoChildren: e.JOINERY_DEMO_CHILDREN,
    databasePool: e.JOINERY_DATABASE_POOL,
    sessionIdleMinutes: e.JOINERY_SESSION_IDLE_MINUTES,
    sessionMaxHours: e.JOINERY_SESSION_MAX_HOURS,
    publicUrl: origin as string,
    trustedProxies: proxies,
    production: e.NODE_ENV === 'production',
    cis2: cis2 as OidcProviderConfig | null,
    cis2RequiredAal: e.JOINERY_CIS2_REQUIRED_AAL,
    nhsLogin: nhsLogin as OidcProviderConfig | null,
    passwordSignIn: e.JOINERY_PASSWORD_SIGN_IN === 'on',
    standInPorts: { cis2: e.JOINERY_STAND_IN_CIS2_PORT ?? e.PORT + 1, nhsLogin: e.JOINERY_STAND_IN_NHS_LOGIN_PORT ?? e.PORT + 2 },
  };
}
