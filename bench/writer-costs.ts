/**
 * One-off measurement of the service's writer work per second of live traffic, statement by statement, on a copy of
 * a workspace (the bench:serve one): a first batch dated the day after the last day (moves it, not timed), then
 * `rounds` rounds of { `perRound` batches of 50 lines stored (`postOrderLines`, deferred clean, or all of them at
 * once with `postOrderBatches` when --group), one clean of their SKUs (`cleanOrderSkus`'s `rebuildCleanTablesForSkus`),
 * one `refreshSkus` of them }.
 * Prints per phase the median wall and CPU milliseconds, and the statements that cost most (CPU, summed per round).
 *   node dist/bench/writer-costs.js WORKSPACE [rounds] [perRound] [--group]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as batchModule from '../src/pipeline/order-batch.js';
import { type OrderLineInput, cleanOrderSkus, postOrderLines } from '../src/pipeline/order-batch.js';
import { closeRefreshWorkers, refreshSkus } from '../src/pipeline/refresh.js';
import { rebuildCleanTablesForSkus, storedCleaningConfig } from '../src/store/clean.js';
import { Workspace } from '../src/store/workspace.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const group = process.argv.includes('--group');
const [source, roundsArg, perRoundArg] = args;
if (source === undefined) throw new Error('usage: node dist/bench/writer-costs.js WORKSPACE [rounds] [perRound]');
const rounds = Number(roundsArg ?? 5);
const perRound = Number(perRoundArg ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'writer-costs-'));
cpSync(source, dir, { recursive: true });

// statement timings: wrap the Workspace methods every store function goes through
const costs = new Map<string, { n: number; ms: number; cpu: number }>();
let phase = 'setup';
const proto = Workspace.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
for (const m of ['run', 'all']) {
  const orig = proto[m]!;
  proto[m] = async function (this: unknown, ...a: unknown[]) {
    const q = a[0] as string | { text: string };
    const text = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim().slice(0, 90);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await orig.apply(this, a);
    } finally {
      const k = `${phase} | ${text}`;
      const c = costs.get(k) ?? { n: 0, ms: 0, cpu: 0 };
      const u = process.cpuUsage(c0);
      c.n++;
      c.ms += performance.now() - t0;
      c.cpu += (u.user + u.system) / 1000;
      costs.set(k, c);
    }
  };
}

const ws = await Workspace.open(dir, { memoryLimit: '1GB' });
try {
  // settings to try (e.g. WC_SQL="SET checkpoint_threshold = '1GB'")
  if (process.env['WC_SQL'] !== undefined) await ws.run(process.env['WC_SQL']);
  const skus = (
    await ws.all<{ sku: string }>(`SELECT sku FROM catalog WHERE is_product ORDER BY revenue DESC LIMIT 2000`)
  ).map((r) => r.sku);
  const last = (await ws.one<{ d: string }>(`SELECT max(date)::VARCHAR AS d FROM order_lines`)).d;
  const today = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000 * 3).toISOString().slice(0, 10);
  let seq = 0;
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const batch = (): OrderLineInput[] =>
    Array.from({ length: 50 }, (_, i) => {
      if (i % 5 === 0) seq++;
      return {
        order_id: `W${seq}`,
        ordered_at: `${today}T${String(8 + (seq % 10)).padStart(2, '0')}:${String(seq % 60).padStart(2, '0')}:00`,
        sku: skus[Math.floor(rand() * skus.length)]!,
        quantity: 1 + Math.floor(rand() * 12),
        unit_price: 1.25,
        customer_id: `9${seq % 500}`,
        country: 'United Kingdom',
      };
    });
  const now = new Date('2026-11-30T00:00:00Z');
  // the new day (not timed)
  const first = batch();
  await postOrderLines(ws, first, { now, deferClean: true });
  await cleanOrderSkus(ws, [...new Set(first.map((l) => l.sku))]);
  await refreshSkus(ws, [...new Set(first.map((l) => l.sku))]);
  const wall: Record<string, number[]> = { post: [], clean: [], refresh: [] };
  const cpu: Record<string, number[]> = { post: [], clean: [], refresh: [] };
  const timed = async <T>(k: string, fn: () => Promise<T>): Promise<T> => {
    phase = k;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await fn();
    const u = process.cpuUsage(c0);
    wall[k]!.push(performance.now() - t0);
    cpu[k]!.push((u.user + u.system) / 1000);
    return r;
  };
  const load0 = loadavg()[0]!;
  let nSkus = 0;
  for (let r = 0; r < rounds; r++) {
    const batches = Array.from({ length: perRound }, batch);
    const touched = new Set<string>();
    await timed('post', async () => {
      const post = (batchModule as unknown as Record<string, unknown>)['postOrderBatches'] as
        ((w: Workspace, b: OrderLineInput[][], o: object) => Promise<unknown>) | undefined;
      if (group && post !== undefined) await post(ws, batches, { now });
      else for (const b of batches) await postOrderLines(ws, b, { now, deferClean: true });
    });
    for (const b of batches) for (const l of b) touched.add(l.sku);
    nSkus += touched.size;
    // the live cycle's clean (cleanOrderSkus), told how many SKUs were rebuilt from the last day on only
    const config = await storedCleaningConfig(ws);
    let tails = 0;
    let steady = 0;
    await timed('clean', () =>
      rebuildCleanTablesForSkus(ws, config, [...touched], {
        onTails: (t, _n, s) => ((tails = t), (steady = s)),
      }),
    );
    const rr = await timed('refresh', () => refreshSkus(ws, [...touched]));
    console.log(
      `round ${r}: ${touched.size} SKUs (${tails} cleaned from the last day on, ${steady} of them steady); ` +
        `refresh steps ${JSON.stringify(rr.seconds)}`,
    );
  }
  const med = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)]!.toFixed(0);
  };
  console.log(
    `${rounds} rounds of ${perRound} batches (${group ? 'group' : 'one by one'}), ${(nSkus / rounds).toFixed(0)} SKUs/round`,
  );
  for (const k of Object.keys(wall)) console.log(`  ${k}: wall median ${med(wall[k]!)} ms, CPU ${med(cpu[k]!)} ms`);
  console.log(`  load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
  // by CPU time (the process's, DuckDB's threads included; the statements run one at a time)
  const top = [...costs].filter(([k]) => !k.startsWith('setup')).sort((a, b) => b[1].cpu - a[1].cpu);
  console.log('    wall ms    CPU ms per round, statement');
  for (const [k, c] of top.slice(0, 40))
    console.log(
      `${(c.ms / rounds).toFixed(1).padStart(9)} ${(c.cpu / rounds).toFixed(1).padStart(9)} ` +
        `×${(c.n / rounds).toFixed(0).padStart(3)}  ${k}`,
    );
} finally {
  ws.close();
  await closeRefreshWorkers();
  rmSync(dir, { recursive: true, force: true });
}
