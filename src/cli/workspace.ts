/** Opening the workspace for a command: the memory limit checked, a lock or open failure reported as input errors. */
import { InputError } from '../data/errors.js';
import type { Workspace } from '../store/workspace.js';
import type { Parsed } from './options.js';

/** Runs `fn` with the workspace of --workspace (opened with --memory-limit), closing it afterwards. */
export async function withWorkspace<T>(values: Parsed['values'], fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const dir = values['workspace'] as string;
  const memoryLimit = values['memory-limit'] as string;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit))
    throw new InputError(`--memory-limit must be a size such as 300MB or 2GB, got '${memoryLimit}'`);
  // DuckDB is loaded only by the commands that use a workspace (it costs ~0.25 s to load).
  const { Workspace } = await import('../store/workspace.js');
  let ws: Workspace;
  try {
    ws = await Workspace.open(dir, { memoryLimit });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) throw new InputError(`${dir}: workspace is in use by another process`);
    throw new InputError(`${dir}: cannot open workspace: ${msg.split('\n')[0]}`);
  }
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}
