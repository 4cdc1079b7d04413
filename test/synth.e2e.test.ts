import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cli as run, tempDir } from './helpers.js';

/** The three files of a synthetic shop, decompressed. */
function files(dir: string): { lines: string[]; catalog: string[]; stock: string[] } {
  const text = (name: string): string[] => readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return {
    lines: gunzipSync(readFileSync(join(dir, 'order-lines.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n'),
    catalog: text('catalog.csv'),
    stock: text('stock.csv'),
  };
}

test('synth: the same seed gives the same files, another seed other files; plan DIR/* takes them as they are', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    const made = await run(['synth', '--skus', '120', '--years', '2', '--seed', '7', '--out', a, '--json']);
    assert.equal(made.code, 0, made.err);
    const summary = JSON.parse(made.out) as { order_lines: number; skus: number; first_day: string; last_day: string };
    assert.equal((await run(['synth', '--skus', '120', '--years', '2', '--seed', '7', '--out', b])).code, 0);
    assert.equal((await run(['synth', '--skus', '120', '--years', '2', '--seed', '8', '--out', c])).code, 0);
    const fa = files(a);
    assert.deepEqual(fa, files(b), 'deterministic by seed');
    assert.notDeepEqual(fa.lines, files(c).lines, 'another seed, another shop');
    assert.deepEqual(readdirSync(a).sort(), ['catalog.csv', 'order-lines.csv.gz', 'stock.csv']);
    assert.equal(fa.lines.length - 1, summary.order_lines);
    assert.equal(fa.catalog.length - 1, 120);
    assert.equal(fa.stock.length - 1, 120);
    assert.equal(summary.first_day, '2021-12-01');
    assert.equal(summary.last_day, '2023-11-28');

    // the shapes it resamples: cancellations, returns, postage, launches, the template's closed Saturdays
    const rows = fa.lines.slice(1).map((l) => l.split(','));
    assert.ok(
      rows.some((r) => r[0]!.startsWith('C')),
      'cancellations',
    );
    assert.ok(
      rows.some((r) => !r[0]!.startsWith('C') && Number(r[r.length - 5]) < 0),
      'returns',
    );
    assert.ok(
      rows.some((r) => r[1] === 'POST'),
      'postage lines',
    );
    const saturdays = rows.filter((r) => new Date(`${r[r.length - 4]!.slice(0, 10)}T00:00:00Z`).getUTCDay() === 6);
    assert.equal(saturdays.length, 0, 'the template shop never opens on a Saturday, nor does its copy');
    // a sale: a product line of an order not cancelled, with units and a price
    const firstSale = new Map<string, string>();
    for (const r of rows)
      if (r[1]!.startsWith('1') && !r[0]!.startsWith('C') && Number(r[r.length - 5]) > 0 && Number(r[r.length - 3]) > 0)
        if (!firstSale.has(r[1]!)) firstSale.set(r[1]!, r[r.length - 4]!);
    const launched = [...firstSale.values()].filter((d) => d >= '2022-01-01').length;
    assert.ok(launched > 0 && launched < firstSale.size, `some SKUs launch within the data (${launched})`);

    const ws = join(dir, 'ws');
    const plan = await run([
      'plan',
      join(a, 'order-lines.csv.gz'),
      join(a, 'catalog.csv'),
      join(a, 'stock.csv'),
      '--workspace',
      ws,
      '--out',
      join(dir, 'plan'),
      '--json',
    ]);
    assert.equal(plan.code, 0, plan.err);
    const p = JSON.parse(plan.out) as {
      skus: number;
      stock_file: boolean;
      ingest: { rows_read: number; rows_loaded: number; rows_rejected: number };
    };
    // every row of the three files loaded, none rejected
    assert.equal(p.ingest.rows_rejected, 0);
    assert.equal(p.ingest.rows_loaded, summary.order_lines + 120 + 120);
    assert.ok(p.stock_file);
    assert.equal(p.skus, firstSale.size, 'every SKU that sold is planned');
  } finally {
    cleanup();
  }
});

test('synth: bad arguments name the option', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const none = await run(['synth', '--out', dir]);
    assert.equal(none.code, 2);
    assert.match(none.err, /--skus/);
    const years = await run(['synth', '--skus', '5', '--years', '0', '--out', dir]);
    assert.match(years.err, /--years/);
    const seed = await run(['synth', '--skus', '5', '--seed', 'x', '--out', dir]);
    assert.match(seed.err, /--seed/);
  } finally {
    cleanup();
  }
});
