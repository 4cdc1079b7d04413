/**
 * `shopcast keys` and `shopcast serve` as processes: a key made on the command line works over HTTP; SIGTERM stops
 * the server gracefully (open event streams ended, exit code 0) and DuckDB is closed: the workspace reopens.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Workspace } from '../src/store/workspace.js';
import { BIN, tempDir } from './helpers.js';

function shopcastSync(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('keys on the command line; serve answers with them; SIGTERM shuts down cleanly with exit code 0', async () => {
  const { dir, cleanup } = tempDir();
  const ws = join(dir, 'ws');
  try {
    const made = shopcastSync(['keys', 'create', '--name', 'ops', '--scope', 'admin', '--workspace', ws, '--json']);
    assert.equal(made.code, 0, made.err);
    const { key, token } = JSON.parse(made.out) as { key: { key_id: string }; token: string };
    const ro = shopcastSync(['keys', 'create', '--name', 'ro', '--scope', 'read', '--workspace', ws]);
    assert.equal(ro.code, 0, ro.err);
    assert.match(ro.out, /Its token \(shown only now; store it\):\nsc_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}\n/);
    const roId = /Created key ([A-Za-z0-9]{12})/.exec(ro.out)![1]!;
    assert.equal(shopcastSync(['keys', 'revoke', roId, '--workspace', ws]).code, 0);
    const list = shopcastSync(['keys', 'list', '--workspace', ws]);
    assert.equal(list.code, 0);
    assert.match(list.out, new RegExp(`${key.key_id} +ops +admin`));
    assert.ok(!list.out.includes(token.slice(16)), 'no secret listed');
    const bad = shopcastSync(['keys', 'create', '--name', 'x', '--scope', 'root', '--workspace', ws]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--scope must be one of read, write, admin/);

    const child = spawn(process.execPath, [BIN, 'serve', '--workspace', ws, '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | string | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal)),
    );
    const deadline = Date.now() + 30_000;
    while (!/listening on (http:\/\/\S+)/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`serve did not start: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${url}/health`)).status, 200);
    const keys = (await (await fetch(`${url}/keys`, { headers: auth })).json()) as { keys: { name: string }[] };
    assert.deepEqual(
      keys.keys.map((k) => k.name),
      ['ops', 'ro'],
    );
    // an open event stream must not hold the shutdown up
    const stream = await fetch(`${url}/events`, { headers: auth });
    assert.equal(stream.status, 200);
    const reading = (async () => {
      for await (const chunk of stream.body!) void chunk;
      return 'ended';
    })().catch(() => 'ended');

    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.equal(await reading, 'ended');
    assert.match(err, /stopping/);
    assert.match(err, /stopped/);
    // DuckDB was closed: the workspace opens again, keys intact
    const reopened = await Workspace.open(ws, { threads: 1 });
    const rows = await reopened.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM api_keys');
    reopened.close();
    assert.equal(rows[0]!.n, 2);
  } finally {
    cleanup();
  }
});

test('close() lets a request under way finish (its write included) before DuckDB closes', async () => {
  const { Type } = await import('typebox');
  const { defineRoute } = await import('../src/server/route.js');
  const { startServer } = await import('./server-harness.js');
  const slow = defineRoute({
    method: 'POST',
    url: '/slow-write',
    scope: 'write',
    tags: ['test'],
    summary: 'a write that takes a while',
    response: Type.Object({ n: Type.Integer() }),
    handler: async ({ ctx }) =>
      ctx.write(async (ws) => {
        await new Promise((r) => setTimeout(r, 400));
        await ws.run("INSERT INTO meta VALUES ('slow_write', 'done')");
        return { n: 1 };
      }),
  });
  const h = await startServer({ routes: [slow] });
  const dir = h.dir;
  const pending = h.call('/slow-write', { method: 'POST', as: 'write' });
  await new Promise((r) => setTimeout(r, 100));
  const closing = h.server.close();
  const r = await pending;
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { n: 1 });
  await closing;
  const reopened = await Workspace.open(dir, { threads: 1 });
  const rows = await reopened.all<{ value: string }>("SELECT value FROM meta WHERE key = 'slow_write'");
  reopened.close();
  await h.stop();
  assert.deepEqual(rows, [{ value: 'done' }]);
});
