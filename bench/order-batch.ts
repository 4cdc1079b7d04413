/**
 * One-off measurement of `postOrderLines` on a copy of a workspace (e.g. the full Online Retail one):
 * batches of 50 lines of new orders, dated after the workspace's last day and inside its span; prints the median and
 * p95 milliseconds (wall clock, and CPU time of the process) and how often daily_demand was rebuilt whole.
 *   npm run build && bin/shopcast ingest …/transactions.csv.gz --workspace /tmp/or-ws
 *   node dist/bench/order-batch.js /tmp/or-ws [batches]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OrderLineInput, postOrderLines } from '../src/pipeline/order-batch.js';
import { Workspace } from '../src/store/workspace.js';

const [source, batchesArg] = process.argv.slice(2);
if (source === undefined) throw new Error('usage: node dist/bench/order-batch.js WORKSPACE [batches]');
const batches = Number(batchesArg ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'order-batch-bench-'));
cpSync(source, dir, { recursive: true });
const ws = await Workspace.open(dir);
try {
  const skus = (
    await ws.all<{ sku: string }>(`SELECT sku FROM catalog WHERE is_product ORDER BY revenue DESC LIMIT 2000`)
  ).map((r) => r.sku);
  const last = (await ws.one<{ d: string }>(`SELECT max(date)::VARCHAR AS d FROM order_lines`)).d;
  let seq = 0;
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const batch = (day: (k: number) => string): OrderLineInput[] =>
    Array.from({ length: 50 }, (_, i) => {
      if (i % 5 === 0) seq++;
      return {
        order_id: `B${seq}`,
        ordered_at: `${day(seq)}T${String(8 + (seq % 10)).padStart(2, '0')}:${String(seq % 60).padStart(2, '0')}:00`,
        sku: skus[Math.floor(rand() * skus.length)]!,
        quantity: 1 + Math.floor(rand() * 12),
        unit_price: 1.25,
        customer_id: `9${seq % 500}`,
        country: 'United Kingdom',
      };
    });
  const addDays = (iso: string, n: number): string =>
    new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const runs: { label: string; day: (k: number) => string }[] = [
    // inside the data: a Tuesday–Thursday of its last months, days it was open
    { label: 'inside the data', day: (k) => addDays(last, -7 * (1 + (k % 8)) - 2) },
    // after the last day: ~10 batches a day (the first of each day moves the last day)
    { label: 'after the last day', day: (k) => addDays(last, 1 + Math.floor(k / 100)) },
  ];
  for (const run of runs) {
    const ms: Record<string, number[]> = { all: [], scoped: [], full: [] };
    // CPU time of the process (DuckDB's threads included): what the batch costs whatever else the machine runs
    const cpu: Record<string, number[]> = { scoped: [], full: [] };
    for (let b = 0; b < batches; b++) {
      const lines = batch(run.day);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await postOrderLines(ws, lines, { now: new Date('2026-11-30T00:00:00Z') });
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      ms['all']!.push(t);
      ms[r.clean]!.push(t);
      cpu[r.clean]!.push((c.user + c.system) / 1000);
    }
    const stats = (xs: number[]): string => {
      if (xs.length === 0) return 'none';
      const s = [...xs].sort((a, b) => a - b);
      const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
      return `${s.length}: median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
    };
    console.log(`${run.label}, batches of 50 lines: all ${stats(ms['all']!)}`);
    console.log(`  scoped ${stats(ms['scoped']!)}; full daily_demand rebuild ${stats(ms['full']!)}`);
    console.log(`  CPU time: scoped ${stats(cpu['scoped']!)}; full ${stats(cpu['full']!)}`);
  }
} finally {
  ws.close();
  rmSync(dir, { recursive: true, force: true });
}
