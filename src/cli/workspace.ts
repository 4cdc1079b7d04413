/**
 * Opening the workspace for a command: the memory limit checked, a missing workspace refused for commands that only
 * read, a lock, memory or open failure reported as input errors.
 */
import { InputError } from '../data/errors.js';
import { MIN_MEMORY_LIMIT_BYTES, memoryLimitBytes } from '../store/defaults.js';
import type { Workspace } from '../store/workspace.js';
import type { Parsed } from './options.js';

/**
 * Runs `fn` with the workspace of --workspace (opened with --memory-limit), closing it afterwards. A path without a
 * workspace is refused: a mistyped --workspace must not read as a new, empty shop.
 */
export function withWorkspace<T>(values: Parsed['values'], fn: (ws: Workspace) => Promise<T>): Promise<T> {
  return openFor(values, fn, false);
}

/** As `withWorkspace`, creating the workspace when there is none: for the commands that ingest files into it. */
export function withCreatedWorkspace<T>(values: Parsed['values'], fn: (ws: Workspace) => Promise<T>): Promise<T> {
  return openFor(values, fn, true);
}

/**
 * What to try after DuckDB ran out of memory within `limit`: twice it, in whole MB or GB.
 * @example twiceTheMemory('300MB') // '600MB'; twiceTheMemory('2GB') // '4GB'
 */
export function twiceTheMemory(limit: string): string {
  const twice = 2 * (memoryLimitBytes(limit) ?? MIN_MEMORY_LIMIT_BYTES);
  return twice >= 1e9 ? `${Math.ceil(twice / 1e9)}GB` : `${Math.ceil(twice / 1e6)}MB`;
}

async function openFor<T>(values: Parsed['values'], fn: (ws: Workspace) => Promise<T>, create: boolean): Promise<T> {
  const dir = values['workspace'] as string;
  const memoryLimit = values['memory-limit'] as string;
  if (memoryLimitBytes(memoryLimit) === undefined)
    throw new InputError(
      `--memory-limit must be a size such as 300MB or 2GB, at least ${MIN_MEMORY_LIMIT_BYTES / 1e6}MB, ` +
        `got '${memoryLimit}'`,
    );
  // DuckDB is loaded only by the commands that use a workspace (it costs ~0.25 s to load).
  const { Workspace, duckDbFailure } = await import('../store/workspace.js');
  const more = twiceTheMemory(memoryLimit);
  const outOfMemory = (e: unknown): InputError =>
    new InputError(
      `${dir}: DuckDB ran out of memory within --memory-limit ${memoryLimit} ` +
        `(${(e as Error).message.split('\n')[0]}); give it more, e.g. --memory-limit ${more}`,
    );
  let ws: Workspace;
  try {
    ws = await Workspace.open(dir, { memoryLimit, mustExist: !create });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const failure = duckDbFailure(e);
    if (failure === 'locked') throw new InputError(`${dir}: workspace is in use by another process`);
    if (failure === 'out-of-memory') throw outOfMemory(e);
    throw new InputError(`${dir}: cannot open workspace: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    return await fn(ws);
  } catch (e) {
    if (!(e instanceof InputError) && duckDbFailure(e) === 'out-of-memory') throw outOfMemory(e);
    throw e;
  } finally {
    ws.close();
  }
}
