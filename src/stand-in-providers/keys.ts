// The stand-ins' secrets: an RS256 signing key per provider and the cookie-signing keys.
// Made at first start and kept in <dataDir>/stand-in-providers/ (owner-only, mode 0600), so
// ID tokens keep verifying and browser sessions survive a restart of the demo.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

export type PrivateJwks = { keys: (JsonWebKey & { kid: string; alg: string; use: string })[] };

export function keysFolder(dataDir: string): string {
  return path.join(dataDir, 'stand-in-providers');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`The stand-in provider's key file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

function writeSecret(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written aside then renamed, so a crash never leaves half a key behind.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(value, null, 2), { mode: 0o600 });
  fs.renameSync(partial, file);
  fs.chmodSync(file, 0o600);
}

function isPrivateJwks(value: unknown): value is PrivateJwks {
  const keys = (value as PrivateJwks | undefined)?.keys;
  return Array.isArray(keys) && keys.length > 0 && keys.every((k) => k.kty === 'RSA' && typeof k.d === 'string' && typeof k.kid === 'string');
}

/** The provider's signing keys (private JWKS), made with jose the first time. */
export async function signingKeys(dataDir: string, provider: 'cis2' | 'nhs-login'): Promise<PrivateJwks> {
  const file = path.join(keysFolder(dataDir), `${provider}.jwks.json`);
  const existing = readJson(file);
  if (existing !== undefined) {
    if (!isPrivateJwks(existing)) throw new Error(`The stand-in provider's key file ${file} does not hold RSA private keys: delete it to make new ones.`);
    return existing;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const jwks: PrivateJwks = { keys: [{ ...jwk, kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' }] };
  writeSecret(file, jwks);
  return jwks;
}

/** Keys that sign the provider's cookies, so a tampered session cookie is refused. */
export function cookieKeys(dataDir: string, provider: 'cis2' | 'nhs-login'): string[] {
  const file = path.join(keysFolder(dataDir), `${provider}.cookie-keys.json`);
  const existing = readJson(file);
  if (Array.isArray(existing) && existing.length > 0 && existing.every((k) => typeof k === 'string' && k.length >= 32)) return existing as string[];
  const keys = [crypto.randomBytes(32).toString('base64url')];
  writeSecret(file, keys);
  return keys;
}
