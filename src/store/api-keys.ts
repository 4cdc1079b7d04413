/**
 * API keys (`api_keys`): one row per key, with its name, scope, the salt and the scrypt hash of its secret (never the
 * secret itself), when it was created and when revoked. Hashing and verification live in pipeline/keys.ts.
 */
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** A key as stored, without its salt and hash. */
export interface ApiKeyRow {
  key_id: string;
  name: string;
  scope: string;
  created_at: string;
  revoked_at: string | null;
}

/** A key with the material that verifies its secret (hex salt and hash). */
export interface ApiKeySecretRow extends ApiKeyRow {
  salt: string;
  hash: string;
}

const COLUMNS = sql`key_id, name, scopes AS scope, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
  strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at`;

/** Stores a new key (call inside the writer's lock). */
export async function insertApiKey(
  ws: Workspace,
  k: { key_id: string; name: string; scope: string; salt: string; hash: string },
): Promise<ApiKeyRow> {
  await ws.run(sql`INSERT INTO api_keys VALUES (${k.key_id}, ${k.name}, ${k.scope}, ${k.salt}, ${k.hash},
    now()::TIMESTAMP, NULL)`);
  return (await ws.all<ApiKeyRow>(sql`SELECT ${COLUMNS} FROM api_keys WHERE key_id = ${k.key_id}`))[0]!;
}

/** Every key, oldest first (no salts, no hashes). */
export async function listApiKeys(ws: Workspace): Promise<ApiKeyRow[]> {
  return ws.all<ApiKeyRow>(sql`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, key_id`);
}

/** One key with its salt and hash, for verification; undefined when there is none. */
export async function readApiKeySecret(ws: Workspace, keyId: string): Promise<ApiKeySecretRow | undefined> {
  const rows = await ws.all<ApiKeySecretRow>(sql`SELECT ${COLUMNS}, salt, hash FROM api_keys WHERE key_id = ${keyId}`);
  return rows[0];
}

/** Marks a key revoked (kept for the record); null when there is no such key. Call inside the writer's lock. */
export async function revokeApiKey(ws: Workspace, keyId: string): Promise<ApiKeyRow | null> {
  await ws.run(sql`UPDATE api_keys SET revoked_at = now()::TIMESTAMP WHERE key_id = ${keyId} AND revoked_at IS NULL`);
  const rows = await ws.all<ApiKeyRow>(sql`SELECT ${COLUMNS} FROM api_keys WHERE key_id = ${keyId}`);
  return rows[0] ?? null;
}
