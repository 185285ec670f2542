import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Joinery's key for signing in at CIS2 and NHS login: it proves it is Joinery
 * by signing a short assertion (private_key_jwt), so no client secret is kept.
 * The provider holds the public half (the JWK set registered for the client).
 */
export type ClientKey = {
  privateKey: CryptoKey;
  kid: string;
  /** The public half, as registered with the provider. */
  publicJwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
};

type PrivateJwk = JsonWebKey & { kty: string; kid?: string };

const ALGORITHMS: Record<string, { alg: string; importAs: RsaHashedImportParams | EcKeyImportParams }> = {
  RSA: { alg: 'RS256', importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } },
  'EC:P-256': { alg: 'ES256', importAs: { name: 'ECDSA', namedCurve: 'P-256' } },
};

/** RFC 7638 thumbprint: the same key always gets the same id. */
function thumbprint(jwk: PrivateJwk): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

async function fromJwk(jwk: PrivateJwk, source: string): Promise<ClientKey> {
  const kind = ALGORITHMS[jwk.kty === 'EC' ? `EC:${jwk.crv}` : jwk.kty];
  if (!kind || !jwk.d) throw new Error(`${source}: not an RSA or P-256 private key`);
  const privateKey = await crypto.webcrypto.subtle.importKey('jwk', jwk, kind.importAs, false, ['sign']);
  const kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : thumbprint(jwk);
  const publicJwk = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
  return { privateKey: privateKey as CryptoKey, kid, publicJwk: { ...publicJwk, kid, alg: kind.alg, use: 'sig' } as ClientKey['publicJwk'] };
}

/** A private key from a PEM file or a JWK (JSON) file, as an ICS configures for the real providers. */
export async function clientKeyFromFile(file: string): Promise<ClientKey> {
  const text = fs.readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('{')) return fromJwk(JSON.parse(text) as PrivateJwk, file);
  const jwk = crypto.createPrivateKey(text).export({ format: 'jwk' }) as PrivateJwk;
  return fromJwk(jwk, file);
}

/**
 * The demo's key: made at first start in the data folder, readable by this
 * user only, and reused after, so the stand-in providers keep trusting it.
 */
export async function demoClientKey(dataDir: string): Promise<ClientKey> {
  const file = path.join(dataDir, 'nhs-sign-in', 'joinery-client-key.jwk.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' }) as PrivateJwk;
    // 'wx': a second process starting at the same moment does not overwrite the first one's key.
    try {
      fs.writeFileSync(file, JSON.stringify({ ...jwk, kid: thumbprint(jwk) }), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return clientKeyFromFile(file);
}
