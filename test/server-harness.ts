/** Starting the real server on 127.0.0.1 port 0 for the server tests, with keys made beforehand. */
import { join } from 'node:path';
import { createApiKey } from '../src/pipeline/keys.js';
import { type ServerOptions, type ShopServer, createServer } from '../src/server/create-server.js';
import { Workspace } from '../src/store/workspace.js';
import { tempDir } from './helpers.js';

export interface Harness {
  server: ShopServer;
  url: string;
  dir: string;
  /** tokens by scope, created before the server started */
  tokens: { read: string; write: string; admin: string };
  /** `fetch` relative to the server, with the token of `as` (none: no Authorization header) */
  call: (path: string, init?: RequestInit & { as?: 'read' | 'write' | 'admin' | 'none' }) => Promise<Response>;
  stop: () => Promise<void>;
}

/** A new workspace with a read, a write and an admin key, and the server listening on it. */
export async function startServer(o: Omit<ServerOptions, 'workspace'> = {}): Promise<Harness> {
  const { dir, cleanup } = tempDir();
  const workspace = join(dir, 'ws');
  const ws = await Workspace.open(workspace, { threads: 1 });
  const tokens = {
    read: (await createApiKey(ws, { name: 'reader', scope: 'read' })).token,
    write: (await createApiKey(ws, { name: 'writer', scope: 'write' })).token,
    admin: (await createApiKey(ws, { name: 'admin', scope: 'admin' })).token,
  };
  ws.close();
  const server = await createServer({ workspace, port: 0, workspaceOptions: { threads: 1 }, ...o });
  const url = await server.listen();
  const call: Harness['call'] = (path, init = {}) => {
    const { as = 'admin', ...rest } = init;
    const headers = new Headers(rest.headers);
    if (as !== 'none') headers.set('authorization', `Bearer ${tokens[as]}`);
    return fetch(`${url}${path}`, { ...rest, headers });
  };
  let stopped = false;
  return {
    server,
    url,
    dir: workspace,
    tokens,
    call,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      cleanup();
    },
  };
}

/** `fetch` JSON: status, headers and the parsed body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON the route answers
export async function json(r: Response | Promise<Response>): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await r;
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) };
}
