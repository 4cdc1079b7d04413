/**
 * One-off measurement of the service's deferred cleaning (`cleanOrderSkus`) on a copy of a workspace (e.g. the full
 * Online Retail one): each round stores one batch of lines (one line per SKU, `deferClean`, not timed) and then times
 * `cleanOrderSkus` for its SKUs: 50 or 300 SKUs with lines dated inside the data (a scoped clean), and lines dated
 * after the last day (moves it: daily_demand rebuilt whole). Prints the median and p95 milliseconds (wall clock, and
 * CPU time of the process, DuckDB's threads included) and the load average.
 *   npm run build && bin/shopcast ingest …/transactions.csv.gz --workspace /tmp/or-ws --memory-limit 1GB
 *   node dist/bench/clean-skus.js /tmp/or-ws [rounds] [cases, e.g. 50,300,full]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanOrderSkus, type OrderLineInput, postOrderLines } from '../src/pipeline/order-batch.js';
import { Workspace } from '../src/store/workspace.js';

const [source, roundsArg, casesArg] = process.argv.slice(2);
if (source === undefined) throw new Error('usage: node dist/bench/clean-skus.js WORKSPACE [rounds] [cases]');
const rounds = Number(roundsArg ?? 20);
const cases = (casesArg ?? '50,300,full').split(',');
const dir = mkdtempSync(join(tmpdir(), 'clean-skus-bench-'));
cpSync(source, dir, { recursive: true });
const ws = await Workspace.open(dir);
try {
  const skus = (
    await ws.all<{ sku: string }>(`SELECT sku FROM catalog WHERE is_product ORDER BY revenue DESC LIMIT 3000`)
  ).map((r) => r.sku);
  const last = (await ws.one<{ d: string }>(`SELECT max(date)::VARCHAR AS d FROM order_lines`)).d;
  const addDays = (iso: string, n: number): string =>
    new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  let seq = 0;
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const batch = (n: number, day: string): OrderLineInput[] => {
    const picked = new Set<string>();
    while (picked.size < n) picked.add(skus[Math.floor(rand() * skus.length)]!);
    return [...picked].map((sku, i) => {
      if (i % 5 === 0) seq++;
      return {
        order_id: `G${seq}`,
        ordered_at: `${day}T${String(8 + (seq % 10)).padStart(2, '0')}:${String(seq % 60).padStart(2, '0')}:00`,
        sku,
        quantity: 1 + Math.floor(rand() * 12),
        unit_price: 1.25,
        customer_id: `9${seq % 500}`,
        country: 'United Kingdom',
      };
    });
  };
  const stats = (xs: number[]): string => {
    if (xs.length === 0) return 'none';
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number): number => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
    return `n ${s.length}, median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
  };
  for (const c of cases) {
    const wall: number[] = [];
    const cpu: number[] = [];
    const extents = new Map<string, number>();
    const load0 = loadavg()[0]!;
    for (let r = 0; r < rounds; r++) {
      // inside the data: a Tuesday–Thursday of its last months (open days); 'full': one new day per round
      const day = c === 'full' ? addDays(last, 1 + r) : addDays(last, -7 * (1 + (r % 8)) - 2);
      const lines = batch(c === 'full' ? 50 : Number(c), day);
      await postOrderLines(ws, lines, { now: new Date('2026-11-30T00:00:00Z'), deferClean: true });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const extent = await cleanOrderSkus(ws, [...new Set(lines.map((l) => l.sku))]);
      wall.push(performance.now() - t0);
      const u = process.cpuUsage(c0);
      cpu.push((u.user + u.system) / 1000);
      extents.set(extent, (extents.get(extent) ?? 0) + 1);
    }
    const ext = [...extents].map(([k, v]) => `${k} ×${v}`).join(', ');
    console.log(`${c === 'full' ? 'after the last day (50 SKUs)' : `${c} SKUs inside the data`}: ${ext}`);
    console.log(`  wall ${stats(wall)}`);
    console.log(`  CPU  ${stats(cpu)}`);
    console.log(`  load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
  }
} finally {
  ws.close();
  rmSync(dir, { recursive: true, force: true });
}
