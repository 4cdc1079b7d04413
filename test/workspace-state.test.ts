/**
 * The workspace's state around an ingest: staging folders of killed ingests removed (live ones kept), a Parquet file
 * read as exactly itself (no glob), memory errors told from lock errors, and no workspace made up for a reading command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { literalPath } from '../src/store/ingest.js';
import { duckDbFailure } from '../src/store/workspace.js';
import { raw, sql } from '../src/store/sql.js';
import { cli, tempDir, withWorkspace, writeText } from './helpers.js';

test('an ingest removes the staging folders of dead ingests and never touches a live one', async () => {
  await withWorkspace(async (ws, dir) => {
    // a process that has exited: its pid is free (the kernel does not reuse it at once)
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = process.ppid;
    const folder = (pid: number): string => join(ws.dir, 'tmp', `ingest-${pid}`);
    mkdirSync(join(folder(dead), 'file0'), { recursive: true });
    writeText(folder(dead), 'file0.good.csv', 'left over');
    mkdirSync(folder(live), { recursive: true });
    mkdirSync(join(ws.dir, 'tmp', 'other'), { recursive: true });
    await ingestFiles(ws, [writeText(dir, 's.csv', 'sku,date,units\nA,2024-01-01,1\n')]);
    assert.equal(existsSync(folder(dead)), false, 'the dead ingest’s folder is removed');
    assert.equal(existsSync(folder(live)), true, 'a live process’s folder is kept');
    assert.equal(existsSync(join(ws.dir, 'tmp', 'other')), true, 'other folders are not ours');
    assert.equal(existsSync(folder(process.pid)), false, 'this ingest removed its own');
  });
});

test('a Parquet file named with glob characters is read as exactly that file', async () => {
  await withWorkspace(async (ws, dir) => {
    const write = async (name: string, units: number[]): Promise<string> => {
      const path = join(dir, name);
      const rows = units.map((u, d) => `('A', DATE '2024-01-01' + ${d}, ${u})`).join(', ');
      await ws.run(sql`COPY (SELECT * FROM (VALUES ${raw(rows)}) t(sku, date, units))
        TO ${path} (FORMAT parquet)`);
      return path;
    };
    await write('sales1.parquet', [1, 2, 3]);
    await write('sales2.parquet', [4, 5]);
    await write('sales[1].parquet', [9, 9, 9, 9]);
    const star = await write('sales*.parquet', [7]);
    const r = await ingestFiles(ws, [star]);
    assert.equal(r.rows_read, 1, 'only the named file, not sales1 and sales2');
    assert.equal((await ws.one<{ n: number }>('SELECT sum(units)::INTEGER AS n FROM raw_daily_sales')).n, 7);
    const r2 = await ingestFiles(ws, [join(dir, 'sales[1].parquet')]);
    assert.equal(r2.rows_read, 4);
    assert.equal(literalPath('/a/b?[c]*.parquet'), '/a/b[?][[]c][*].parquet');
  });
});

test('an out-of-memory error is not a lock, and a memory limit below 16MB is refused up front', async () => {
  // DuckDB's own texts (1.5): the memory one says "block"
  const oom = new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (0 bytes/0 bytes used)');
  const lock = new Error(
    'IO Error: Could not set lock on file "/w/shop.duckdb": Conflicting lock is held in /usr/bin/node (PID 1)',
  );
  assert.equal(duckDbFailure(oom), 'out-of-memory');
  assert.equal(duckDbFailure(lock), 'locked');
  assert.equal(duckDbFailure(new Error('Catalog Error: Table with name blocks does not exist')), undefined);

  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    assert.equal(
      (await cli(['ingest', writeText(dir, 's.csv', 'sku,date,units\nA,2024-01-01,1\n'), '--workspace', ws])).code,
      0,
    );
    for (const limit of ['0MB', '1MB', '8MB', '0.5GB0']) {
      const r = await cli(['inspect', '--workspace', ws, '--memory-limit', limit]);
      assert.equal(r.code, 2, limit);
      assert.match(r.err, /^shopcast: --memory-limit must be a size such as 300MB or 2GB, at least 16MB, got '/);
      assert.doesNotMatch(r.err, /in use/);
    }
    // the library says it with the option's name
    const { Workspace } = await import('../src/store/workspace.js');
    await assert.rejects(Workspace.open(ws, { memoryLimit: '0MB' }), (e: Error & { field?: string }) => {
      assert.equal(e.field, 'memoryLimit');
      return true;
    });
    // a real out-of-memory error while a command runs is reported as one
    const w = await Workspace.open(ws, { memoryLimit: '16MB', threads: 1 });
    try {
      const err = await w.all('SELECT list(i) AS l FROM range(20000000) t(i)').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(duckDbFailure(err), 'out-of-memory', String(err));
    } finally {
      w.close();
    }
    // a step may run with less buffer than the workspace was opened with, and it comes back; never more
    const big = await Workspace.open(ws, { memoryLimit: '1GB' });
    try {
      // DuckDB shows the setting rounded, as '953.6 MiB'
      const limit = async (): Promise<number> => {
        const [s] = await big.all<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
        const [, n, unit] = /^([\d.]+) (MiB|GiB)$/.exec(s!.m)!;
        return Number(n) * (unit === 'GiB' ? 2 ** 30 : 2 ** 20);
      };
      assert.ok(Math.abs((await limit()) - 1e9) < 0.01e9);
      const restore = await big.limitMemory('300MB');
      assert.ok(Math.abs((await limit()) - 300e6) < 0.01e9);
      await restore();
      assert.ok(Math.abs((await limit()) - 1e9) < 0.01e9);
      await (
        await big.limitMemory('4GB')
      )();
      assert.ok(Math.abs((await limit()) - 1e9) < 0.01e9);
      await assert.rejects(big.limitMemory('lots'), /not a size/);
    } finally {
      big.close();
    }
  } finally {
    cleanup();
  }
});

test('a reading command refuses a workspace path that does not exist, and creates nothing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const typo = join(dir, 'shopp');
    for (const args of [
      ['inspect'],
      ['series', '--sku', 'A'],
      ['forecast', '--out', join(dir, 'out')],
      ['lifecycle'],
      ['launch', '--track'],
      ['explain', '--sku', 'A'],
      ['plan', '--out', join(dir, 'plan')],
    ]) {
      const r = await cli([...args, '--workspace', typo]);
      assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
      assert.match(
        r.err,
        /shopp: no shopcast workspace there \(no such folder\); .*'shopcast ingest FILES --workspace /,
      );
      assert.equal(existsSync(typo), false, `${args[0]} created nothing`);
    }
    mkdirSync(typo);
    const r = await cli(['inspect', '--workspace', typo]);
    assert.match(r.err, /no shopcast workspace there \(no shop\.duckdb in that folder\)/);
    // ingest creates it
    const ing = await cli(['ingest', writeText(dir, 's.csv', 'sku,date,units\nA,2024-01-01,1\n'), '--workspace', typo]);
    assert.equal(ing.code, 0, ing.err);
    assert.equal((await cli(['inspect', '--workspace', typo])).code, 0);
  } finally {
    cleanup();
  }
});
