/**
 * Which model forecasts a workspace's SKUs (the champion) and which runs beside it on the same SKUs to be compared
 * (the challenger, optional), kept in `meta` as `champion_model` and `challenger_model`.
 */
import { InputError } from '../data/errors.js';
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** The model roles: the champion's name (default `auto`), the challenger's or null. */
export interface ModelRoles {
  champion: string;
  challenger: string | null;
}

/**
 * The workspace's model roles (`meta.champion_model`, default `auto`; `meta.challenger_model`, default none).
 * @example await readModelRoles(ws) // { champion: 'auto', challenger: null } in a new workspace
 */
export async function readModelRoles(ws: Workspace): Promise<ModelRoles> {
  const rows = await ws.all<{ key: string; value: string | null }>(
    sql`SELECT key, value FROM meta WHERE key IN ('champion_model', 'challenger_model')`,
  );
  const get = (k: string): string | null => rows.find((r) => r.key === k)?.value ?? null;
  const champion = get('champion_model');
  const challenger = get('challenger_model');
  return { champion: champion === null || champion === '' ? 'auto' : champion, challenger: challenger || null };
}

/**
 * Sets the model roles (a null challenger removes it), in one statement: safe inside a caller's transaction. The
 * names are stored as given: the caller checks them against the models it can run. A champion equal to the
 * challenger is refused (nothing to compare).
 * @example await writeModelRoles(ws, { champion: 'ets', challenger: 'auto' })
 */
export async function writeModelRoles(ws: Workspace, roles: ModelRoles): Promise<void> {
  if (typeof roles.champion !== 'string' || roles.champion.trim() === '')
    throw new InputError('champion: a model name is required', { field: 'champion' });
  if (roles.challenger !== null && (typeof roles.challenger !== 'string' || roles.challenger.trim() === ''))
    throw new InputError('challenger: a model name or null is required', { field: 'challenger' });
  if (roles.challenger === roles.champion)
    throw new InputError(`challenger: ${roles.challenger} is already the champion`, { field: 'challenger' });
  // one statement, so atomic without a transaction of its own (a caller may hold one); no challenger is stored NULL
  await ws.run(sql`INSERT OR REPLACE INTO meta VALUES ('champion_model', ${roles.champion}),
    ('challenger_model', ${roles.challenger}::VARCHAR)`);
}
