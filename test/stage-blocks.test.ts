import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { BlockPlan } from '../src/data/stage-blocks.js';
import { type StageOptions, type StagedFile, defaultBlockPlan, stageCsvFile } from '../src/data/stage-file.js';
import { REPO, SAMPLE, tempDir, writeText } from './helpers.js';

/** Stages `path` in one thread and in blocks; both readings' files and reports must be the same. */
async function bothWays(
  path: string,
  plans: BlockPlan[],
  options: StageOptions = {},
): Promise<{ one: StagedFile; blocks: StagedFile[] }> {
  const { dir, cleanup } = tempDir();
  try {
    const one = await stageCsvFile(path, join(dir, 'one'), { ...options, blocks: { ...plans[0]!, workers: 0 } });
    const files = (s: StagedFile): Buffer[] => [readFileSync(s.goodPath), readFileSync(s.rejectPath)];
    // the layout's record rewrite is a function made per reading: compare whether there is one
    const facts = ({ goodPath: _g, rejectPath: _r, blocks: _b, layout, ...rest }: StagedFile): object => ({
      ...rest,
      layout: { ...layout, transform: typeof layout.transform },
    });
    const blocks: StagedFile[] = [];
    for (const [i, plan] of plans.entries()) {
      const b = await stageCsvFile(path, join(dir, `blocks${i}`), { ...options, blocks: plan });
      assert.deepEqual(facts(b), facts(one), `plan ${JSON.stringify(plan)}: the same report`);
      const [good, rejects] = files(b);
      const [goodOne, rejectsOne] = files(one);
      assert.ok(good!.equals(goodOne!), `plan ${JSON.stringify(plan)}: the same good rows`);
      assert.ok(rejects!.equals(rejectsOne!), `plan ${JSON.stringify(plan)}: the same rejected rows`);
      blocks.push(b);
    }
    assert.equal(one.blocks, 0);
    return { one, blocks };
  } finally {
    cleanup();
  }
}

/** A small deterministic generator (Park–Miller), for files with every kind of line. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/**
 * An order-lines file with slash dates written day first (a second reading decides their order), a date far past
 * the rest (a third reading rejects it), quoted fields with commas, quotes and line breaks, and bad lines of every
 * kind the reader and the row checker reject.
 */
function awkwardFile(lines: number, seed: number): Buffer {
  const r = lcg(seed);
  const parts: Buffer[] = [Buffer.from('order_id,ordered_at,sku,quantity,unit_price,description\n')];
  for (let i = 0; i < lines; i++) {
    const day = 1 + Math.floor(r() * 28);
    const date = `${day}/${1 + Math.floor(r() * 12)}/2011 ${String(8 + Math.floor(r() * 10)).padStart(2, '0')}:15`;
    const sku = `S${Math.floor(r() * 40)}`;
    const base = `${1000 + Math.floor(i / 3)},${date},${sku},${1 + Math.floor(r() * 9)},${(r() * 10).toFixed(2)}`;
    const kind = r();
    const eol = r() < 0.1 ? '\r\n' : '\n';
    let line: Buffer | string;
    if (kind < 0.55) line = `${base},PLAIN MUG`;
    else if (kind < 0.65) line = `${base},"MUG, BLUE"`;
    else if (kind < 0.72) line = `${base},"FRAME 7"" SINGLE"`;
    else if (kind < 0.78) line = `${base},"TWO${eol}LINES"`;
    else if (kind < 0.8) line = `${base},"THREE\nLINES\n""QUOTED"""`;
    else if (kind < 0.82) line = `${base},"OPEN QUOTE NEVER CLOSED`;
    else if (kind < 0.84) line = `${base},IVO"RY`;
    else if (kind < 0.86) line = `${base}`;
    else if (kind < 0.87) line = '';
    else if (kind < 0.88) line = Buffer.concat([Buffer.from(`${base},CAF`), Buffer.from([0xc9]), Buffer.from(' BOWL')]);
    else if (kind < 0.89) line = `${1000 + i},${date},S\u0001X,1,1,CONTROL`;
    else if (kind < 0.9) line = `${1000 + i},${date},${sku},many,1,NOT A NUMBER`;
    else if (kind < 0.905) line = `${1000 + i},1/1/2100 10:00,${sku},1,1,FAR FUTURE`;
    else if (kind < 0.91) line = `${1000 + i},31/2/2011 10:00,${sku},1,1,NO SUCH DAY`;
    else line = `${base},"A ""LINE"" WITH, ALL"`;
    parts.push(typeof line === 'string' ? Buffer.from(line) : line, Buffer.from(eol));
  }
  return Buffer.concat(parts);
}

const small = (blockBytes: number, workers = 2): BlockPlan => ({ workers, blockBytes, minBytes: 0 });

test('a file read in blocks by worker threads gives the same staged rows, rejects and report as one thread', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const text = awkwardFile(4000, 7);
    const plain = writeText(dir, 'awkward.csv', text);
    const { one, blocks } = await bothWays(plain, [small(100), small(1 << 10), small(4096, 3), small(50_000, 1)]);
    // the file exercises what it is meant to: day-first dates, a date far past the rest, every kind of line
    assert.equal(one.dateOrder, 'dmy');
    assert.ok(one.continuationLines > 100 && one.blankLines > 10 && one.invalidUtf8Lines > 10, JSON.stringify(one));
    // the small blocks were read by workers, not handed back to one thread
    for (const b of blocks) assert.ok(b.blocks > 1, `read in ${b.blocks} blocks`);
    // gzip: the same
    const gz = writeText(dir, 'awkward.csv.gz', gzipSync(text));
    await bothWays(gz, [small(777)]);
  } finally {
    cleanup();
  }
});

test('the sample shop, a Windows-1252 file and a Shopify export read the same in blocks', async () => {
  const { blocks } = await bothWays(SAMPLE, [small(1 << 16)]);
  assert.ok(blocks[0]!.blocks > 100);
  // by default a file this small (its gzip trailer says 8.7 MB) is read in one thread
  const { dir, cleanup } = tempDir();
  try {
    const plan = defaultBlockPlan();
    const s = await stageCsvFile(SAMPLE, join(dir, 'default'), { blocks: { ...plan, workers: 2 } });
    assert.equal(s.blocks, 0);
    const big = await stageCsvFile(SAMPLE, join(dir, 'big'), { blocks: { ...plan, workers: 2, minBytes: 1 << 20 } });
    assert.ok(big.blocks > 0);
  } finally {
    cleanup();
  }
  await bothWays(join(REPO, 'test/fixtures/windows-1252-order-lines.csv'), [small(16)], { encoding: 'windows-1252' });
  // an export whose records are rewritten with the state of the rows before them is read in one thread
  const shopify = await bothWays(join(REPO, 'test/fixtures/shopify/orders_export.csv'), [small(16)]);
  assert.equal(shopify.blocks[0]!.blocks, 0);
});

test('a block that ends inside a record, a stray quote, a very long line: the same as one thread', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const header = 'order_id,ordered_at,sku,quantity,unit_price,description\n';
    const row = (i: number): string => `${i},2011-01-03 10:00,A${i % 7},1,2.5,MUG\n`;
    const rows = (from: number, n: number): string => Array.from({ length: n }, (_, k) => row(from + k)).join('');
    // a quote opened and never closed: no later line break closes every quote, and blocks are cut anyway
    const open = writeText(
      dir,
      'open.csv',
      header + rows(0, 50) + '50,2011-01-03 10:00,B,1,2,"NEVER\n' + rows(51, 3000),
    );
    const a = await bothWays(open, [small(200)]);
    assert.ok(a.blocks[0]!.blocks > 10);
    assert.equal(a.one.rowsRejected, 1);
    // a line longer than half the line limit is rejected by bytes read in one thread: not read in blocks
    const long = writeText(
      dir,
      'long.csv',
      header + rows(0, 20) + `20,2011-01-03 10:00,C,1,2,${'x'.repeat(600_000)}\n` + rows(21, 20),
    );
    const b = await bothWays(long, [small(200)]);
    assert.equal(b.blocks[0]!.blocks, 0);
    // a multi-line record that a cut at an even count of quotes splits (a stray quote before it): the block
    // before the cut ends inside the record, which is read again with the next block
    const split = writeText(
      dir,
      'split.csv',
      header +
        rows(0, 10) +
        '10,2011-01-03 10:00,D,1,2,IVO"RY\n' +
        '11,2011-01-03 10:00,D,1,2,"TWO\nLINES"\n' +
        rows(12, 40),
    );
    await bothWays(split, [small(300), small(380), small(420), small(460)]);
  } finally {
    cleanup();
  }
});

test('an empty file, a header alone and a cut gzip stream fail the same way in blocks as in one thread', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cut = gzipSync(awkwardFile(3000, 3));
    const cases: [string, string | Buffer][] = [
      ['empty.csv', ''],
      ['header.csv', 'order_id,ordered_at,sku,quantity,unit_price\n'],
      ['cut.csv.gz', cut.subarray(0, Math.floor(cut.length / 2))],
    ];
    for (const [name, text] of cases) {
      const path = writeText(dir, name, text);
      const error = async (plan: BlockPlan): Promise<string> => {
        try {
          await stageCsvFile(path, join(dir, 'out'), { blocks: plan });
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      };
      const one = await error(small(64, 0));
      assert.notEqual(one, 'no error', name);
      assert.equal(await error(small(64)), one, name);
    }
  } finally {
    cleanup();
  }
});
