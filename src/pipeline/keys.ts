/**
 * API keys for the service. A key has one scope, and scopes nest: `admin` ⊃ `write` ⊃ `read` (an admin key may do
 * everything a write key may, a write key everything a read key may). Its token, shown once at creation, is
 * `sc_<key id>_<secret>`: the key id (12 base62 characters, not secret) finds the row, the secret (32 random bytes,
 * base64url) proves it. Only scrypt(secret, per-key salt) is stored (node:crypto; N = 2^14, r = 8, p = 1, 32 bytes:
 * RFC 7914's interactive-login cost) and compared in constant time.
 *
 * scrypt is slow on purpose (tens of milliseconds), so `KeyVerifier` keeps, per key id, the SHA-256 of the last token
 * that verified: a later request with the same token costs one hash and one constant-time comparison. Revoking a key
 * drops its entry at once (`forget`), so the next request reads the row and is refused.
 */
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { InputError } from '../data/errors.js';
import {
  type ApiKeyRow,
  insertApiKey,
  listApiKeys,
  readApiKeySecret,
  revokeApiKey as revokeRow,
} from '../store/api-keys.js';
import type { Workspace } from '../store/workspace.js';

export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** A key as listed (no secret material). */
export type ApiKeyInfo = ApiKeyRow & { scope: Scope };

/** Whether a key of scope `held` may do what needs `needed` (admin ⊃ write ⊃ read). */
export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

const SCRYPT = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN = /^sc_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function scrypt(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(secret, salt, HASH_BYTES, SCRYPT, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Creates a key (call inside the writer's lock); returns it and its token, which is not stored anywhere: the caller
 * shows it once. A name is 1–100 printable characters.
 * @example const { token } = await createApiKey(ws, { name: 'dashboard', scope: 'read' });
 */
export async function createApiKey(
  ws: Workspace,
  o: { name: string; scope: string },
): Promise<{ key: ApiKeyInfo; token: string }> {
  const name = o.name.trim();
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
    throw new InputError('keys: name must be 1 to 100 printable characters', { field: 'name' });
  if (!SCOPES.includes(o.scope as Scope))
    throw new InputError(`keys: scope must be one of ${SCOPES.join(', ')}, got '${o.scope}'`, { field: 'scope' });
  const keyId = Array.from({ length: 12 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt);
  const row = await insertApiKey(ws, {
    key_id: keyId,
    name,
    scope: o.scope,
    salt: salt.toString('hex'),
    hash: hash.toString('hex'),
  });
  return { key: row as ApiKeyInfo, token: `sc_${keyId}_${secret}` };
}

/**
 * Every key, oldest first, with its scope and whether it is revoked; never a secret or a hash.
 * @example (await listKeys(ws)).map((k) => k.key_id)
 */
export async function listKeys(ws: Workspace): Promise<ApiKeyInfo[]> {
  return (await listApiKeys(ws)) as ApiKeyInfo[];
}

/**
 * Revokes a key (call inside the writer's lock); null when there is no such key.
 * @example await lock.run(() => revokeKey(ws, 'QqWkUAe3OUAB'))
 */
export async function revokeKey(ws: Workspace, keyId: string): Promise<ApiKeyInfo | null> {
  return (await revokeRow(ws, keyId)) as ApiKeyInfo | null;
}

/** Who a verified token belongs to. */
export interface Principal {
  keyId: string;
  name: string;
  scope: Scope;
}

/**
 * Verifies tokens against the stored keys, caching successes (see the file's comment). A resource: one per server.
 * @example
 * const verifier = new KeyVerifier(reader);
 * const who = await verifier.verify(token); // Principal, or null for a missing, wrong or revoked key
 */
export class KeyVerifier {
  private readonly cache = new Map<string, { digest: Buffer; principal: Principal }>();
  private readonly inFlight = new Map<string, Promise<Principal | null>>();
  private generation = 0;

  constructor(private readonly ws: Workspace) {}

  /** The key a token belongs to, or null (malformed, unknown, wrong secret, revoked: all alike). */
  async verify(token: string): Promise<Principal | null> {
    const m = TOKEN.exec(token);
    if (m === null) return null;
    const keyId = m[1]!;
    const digest = sha256(token);
    const hit = this.cache.get(keyId);
    if (hit !== undefined) return timingSafeEqual(hit.digest, digest) ? hit.principal : null;
    // one scrypt per token at a time: concurrent first requests share it
    const flightKey = digest.toString('hex');
    const running = this.inFlight.get(flightKey);
    if (running !== undefined) return running;
    const p = this.check(keyId, m[2]!, digest).finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, p);
    return p;
  }

  private async check(keyId: string, secret: string, digest: Buffer): Promise<Principal | null> {
    const generation = this.generation;
    const row = await readApiKeySecret(this.ws, keyId);
    if (row === undefined || row.revoked_at !== null || !SCOPES.includes(row.scope as Scope)) return null;
    const expected = Buffer.from(row.hash, 'hex');
    const actual = await scrypt(secret, Buffer.from(row.salt, 'hex'));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const principal: Principal = { keyId, name: row.name, scope: row.scope as Scope };
    // a key revoked while scrypt ran must not be cached as valid
    if (generation === this.generation) this.cache.set(keyId, { digest, principal });
    return principal;
  }

  /** Drops a key's cached verification (on revocation): its next request reads the row again. */
  forget(keyId: string): void {
    this.cache.delete(keyId);
    this.generation++;
  }
}
