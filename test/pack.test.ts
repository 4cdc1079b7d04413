/**
 * The compact form a shard takes through Redis (src/worker/pack.ts, issue #22): lossless bit for bit, smaller where
 * the series are whole numbers, and the sample shop's real policy shard comes back equal after its trip through v8's
 * serialisation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { readStep } from '../src/pipeline/plan-steps/read.js';
import { pack, unpack } from '../src/worker/pack.js';
import { REPO, SAMPLE, withWorkspace } from './helpers.js';

/** The bytes of a Float64Array (to compare NaN payloads and -0, which deepEqual does not tell apart). */
const bytesOf = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const trip = (x: unknown): unknown => unpack(deserialize(serialize(pack(x))));

test('pack narrows whole-number series to the smallest integer type and unpack restores them', () => {
  const cases: [Float64Array, string][] = [
    [new Float64Array([0, 1, 2, Number.NaN, 127, -127]), 'Int8Array'],
    [new Float64Array([0, -128]), 'Int16Array'], // -128 is Int8's NaN: a real -128 needs Int16
    [new Float64Array([Number.NaN, Number.NaN]), 'Int8Array'],
    [new Float64Array([40_000, 3]), 'Int32Array'],
    [new Float64Array([2147483647, -2147483647]), 'Int32Array'],
  ];
  for (const [a, type] of cases) {
    const p = pack(a) as { v: unknown };
    assert.equal((p.v as object).constructor.name, type, String(a));
    const back = unpack(p) as Float64Array;
    assert.ok(back instanceof Float64Array);
    assert.deepEqual(bytesOf(back), bytesOf(a));
  }
});

test('pack leaves as they are the series it cannot narrow losslessly', () => {
  const odd = new Float64Array([1, 2]);
  // a NaN with another payload (quiet NaN with low bits set)
  new Uint32Array(odd.buffer)[0] = 1;
  new Uint32Array(odd.buffer)[1] = 0x7ff80000;
  for (const a of [
    new Float64Array([1, 2.5]),
    new Float64Array([0, -0]),
    new Float64Array([2147483648]),
    new Float64Array([-2147483648]), // Int32's NaN
    new Float64Array([Infinity]),
    odd,
    new Float64Array(0),
  ]) {
    assert.equal(pack(a), a, String(a));
    assert.deepEqual(bytesOf(trip(a) as Float64Array), bytesOf(a));
  }
});

test('pack walks arrays, plain objects and Maps without changing its argument', () => {
  const y = new Float64Array([0, 0, 3, Number.NaN]);
  const f = new Float64Array([0.5, 1.25]);
  const x = {
    ids: ['a', 'b'],
    series: [y, f],
    nested: { m: new Map([['k', { y }]]), n: 3, s: 'text', none: null, i: new Int32Array([7]) },
  };
  const p = pack(x) as typeof x;
  assert.equal(x.series[0], y, 'the argument keeps its arrays');
  assert.equal(p.series[1], f, 'an array it cannot narrow is the same object');
  assert.equal(p.nested.i, x.nested.i);
  const back = trip(x) as typeof x;
  assert.deepEqual(back, x);
  assert.deepEqual(bytesOf(back.series[0]!), bytesOf(y));
});

test("the sample shop's plan inputs survive the trip and shrink", async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE, join(REPO, 'data/sample-shop/stock.csv')]);
    const inputs = await readStep(ws, undefined, 28);
    const back = trip(inputs) as typeof inputs;
    assert.deepEqual(back, inputs);
    inputs.panel.clean.forEach((c, i) => assert.deepEqual(bytesOf(back.panel.clean[i]!), bytesOf(c)));
    inputs.panel.actual.forEach((c, i) => assert.deepEqual(bytesOf(back.panel.actual[i]!), bytesOf(c)));
    const packed = serialize(pack(inputs)).length;
    const plain = serialize(inputs).length;
    assert.ok(packed < plain / 3, `${packed} bytes packed against ${plain}`);
  });
});
