/**
 * `npm start`'s command, as a process: `shopcast serve --if-empty FILES… --new-key NAME` fills an empty workspace
 * (ingest and plan, currency kept) and prints the dashboard's URL and a new admin key on stdout, never in a log line;
 * started again on the filled workspace it ingests nothing and replaces the key (the earlier one revoked). A slice of
 * the sample shop (8 SKUs with a supplier).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { BIN, tempDir } from './helpers.js';
import { type ShopSlice, sampleSlice } from './serve-fixture.js';
import { json } from './server-harness.js';

let files: ShopSlice;
let dir: string;
let cleanup: () => void;
const running = new Set<ChildProcess>();

before(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  dir = t.dir;
  files = sampleSlice(t.dir, 8);
});
after(() => {
  for (const c of running) c.kill('SIGKILL');
  cleanup?.();
});

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts `shopcast serve … --if-empty … --new-key dashboard` and waits for the key it prints. */
async function start(extra: string[]): Promise<Started> {
  const args = [BIN, 'serve', '--workspace', join(dir, 'ws'), '--port', '0', ...extra];
  args.push('--if-empty', files.orders, files.stock, '--new-key', 'dashboard');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const found = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let url = '';
    createInterface({ input: child.stdout! }).on('line', (l) => {
      stdout.push(l);
      const m = /^Dashboard: (http:\/\/\S+)\/$/.exec(l);
      if (m !== null) url = m[1]!;
      if (/^sc_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/.test(l)) resolve({ url, token: l });
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before its key: ${stderr.join('\n')}`)));
  });
  return { child, ...found, stdout, stderr, exited };
}

async function stop(s: Started): Promise<void> {
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0, s.stderr.join('\n'));
}

const get = (s: Started, path: string, token = s.token): ReturnType<typeof json> =>
  json(fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } }));

test('an empty workspace is ingested and planned; the key works and is printed once, in no log line', async () => {
  const s = await start(['--log-level', 'info']);
  try {
    assert.ok(
      s.stderr.some((l) => /was empty: ingested 2 files and planned 8 SKUs/.test(l)),
      s.stderr.join('\n'),
    );
    const sum = await get(s, '/summary');
    assert.equal(sum.status, 200);
    assert.equal(sum.body.currency, 'GBP');
    assert.equal(sum.body.locale, 'en-GB');
    assert.equal(sum.body.kpis.skus, 8);
    assert.equal(sum.body.as_of, files.lastDay);
    const keys = await get(s, '/keys');
    const mine = keys.body.keys.filter((k: { name: string }) => k.name === 'dashboard');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].scope, 'admin');
  } finally {
    await stop(s);
  }
  const logLines = s.stdout.filter((l) => l.startsWith('{'));
  assert.ok(logLines.length > 0, 'the server logged its requests');
  assert.equal(s.stdout.filter((l) => l.includes(s.token)).length, 1, 'the token is printed once');
  for (const l of [...logLines, ...s.stderr]) assert.ok(!l.includes(s.token.slice(3, 20)), `logged: ${l}`);
});

test('started again: nothing is ingested, a new key replaces the old one (revoked)', async () => {
  const first = await start(['--quiet']);
  await stop(first);
  const s = await start(['--quiet']);
  try {
    assert.ok(
      s.stderr.some((l) => /already holds data; --if-empty files not ingested/.test(l)),
      s.stderr.join('\n'),
    );
    assert.notEqual(s.token, first.token);
    assert.equal((await get(s, '/summary', first.token)).status, 401, 'the earlier key is revoked');
    const ingests = await get(s, '/ingests');
    assert.equal(ingests.body.total, 1, 'the files were ingested once');
    const keys = await get(s, '/keys');
    const mine = keys.body.keys.filter((k: { name: string }) => k.name === 'dashboard');
    assert.equal(mine.filter((k: { revoked_at: string | null }) => k.revoked_at === null).length, 1);
  } finally {
    await stop(s);
  }
});

test('files without --if-empty, or --if-empty without files, are refused', async () => {
  for (const args of [
    ['serve', '--workspace', join(dir, 'none'), files.orders],
    ['serve', '--workspace', join(dir, 'none'), '--if-empty'],
    ['serve', '--workspace', join(dir, 'none'), '--if-empty', files.orders, '--currency', 'pounds'],
  ]) {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.notEqual(code, 0, args.join(' '));
    assert.match(err, /files go after --if-empty|--if-empty needs the files|--currency must be/);
  }
});
