import { InputError } from '../../data/errors.js';
import { table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse } from '../options.js';
import { help } from '../usage.js';
import { withCreatedWorkspace, withWorkspace } from '../workspace.js';

/**
 * `shopcast keys create --name N --scope read|write|admin` (prints the token once), `keys list` (no secrets),
 * `keys revoke ID`. Scopes nest: admin ⊃ write ⊃ read. Run while `shopcast serve` is stopped (it holds the
 * workspace); a running server manages keys through POST/GET/DELETE /keys.
 */
export async function keysCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, scope: { type: 'string' } }, true);
  if (values.help) return help(io, 'keys');
  const [action, ...rest] = positionals;
  const { createApiKey, listKeys, revokeKey } = await import('../../pipeline/keys.js');
  if (action === 'create') {
    if (rest.length > 0) throw new InputError(`keys create: unexpected argument '${rest[0]}'`);
    if (values.name === undefined) throw new InputError('keys create: --name is required');
    if (values.scope === undefined) throw new InputError('keys create: --scope read|write|admin is required');
    const { key, token } = await withCreatedWorkspace(values, (ws) =>
      createApiKey(ws, { name: values.name as string, scope: values.scope as string }),
    );
    if (values.json) io.out(JSON.stringify({ key, token }) + '\n');
    else
      io.out(
        `Created key ${key.key_id} '${key.name}' with scope ${key.scope}. Its token (shown only now; store it):\n` +
          `${token}\n`,
      );
    return 0;
  }
  if (action === 'list') {
    if (rest.length > 0) throw new InputError(`keys list: unexpected argument '${rest[0]}'`);
    const keys = await withWorkspace(values, (ws) => listKeys(ws));
    if (values.json) io.out(JSON.stringify({ keys }) + '\n');
    else if (keys.length === 0) io.out('No keys yet (shopcast keys create --name N --scope admin).\n');
    else
      io.out(
        table(
          ['key id', 'name', 'scope', 'created', 'revoked'],
          keys.map((k) => [k.key_id, k.name, k.scope, k.created_at, k.revoked_at ?? '–']),
        ) + '\n',
      );
    return 0;
  }
  if (action === 'revoke') {
    if (rest.length !== 1) throw new InputError('keys revoke: give one key id (shopcast keys list shows them)');
    const key = await withWorkspace(values, (ws) => revokeKey(ws, rest[0]!));
    if (key === null) throw new InputError(`keys revoke: no key '${rest[0]}' (shopcast keys list shows them)`);
    if (values.json) io.out(JSON.stringify({ key }) + '\n');
    else io.out(`Revoked key ${key.key_id} '${key.name}'.\n`);
    return 0;
  }
  throw new InputError(`keys: say create, list or revoke${action === undefined ? '' : `, not '${action}'`}`);
}
