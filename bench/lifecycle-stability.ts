/**
 * Life-cycle stability (issue #18, item 7): how often each SKU's weekly stage history changes stage,
 * and how many of its stage segments last one week, on the full Online Retail file and on the sample
 * shop; with the stage recovery on the synthetic Bass and triangle curves of
 * test/lifecycle-stage.test.ts (same cases, same seeds).
 *   npm run bench:lifecycle-stability [-- --workspace W]   (W: a workspace of the full file; else one is built)
 * Reads ../shared/data/online-retail/transactions.csv.gz (says so when absent).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bassShare, triangleSales } from '../src/lifecycle/curves.js';
import { type Stage, classifyStage, curveStages } from '../src/lifecycle/stage.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { type SkuLifecycle, lifecycleWorkspace } from '../src/pipeline/lifecycle.js';
import { Workspace } from '../src/store/workspace.js';
import { onlineRetailWorkspace } from './or-workspace.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { workspace: { type: 'string' } } });

/** Stage changes per SKU per year (median, SKUs with ≥ 26 weeks) and the share of one-week segments. */
function stability(skus: SkuLifecycle[]): string {
  const perYear: number[] = [];
  let segments = 0;
  let oneWeek = 0;
  let closed = 0;
  let closedOneWeek = 0;
  let january = 0;
  let januaryDecline = 0;
  let other = 0;
  let otherDecline = 0;
  for (const s of skus) {
    const h = s.history;
    let changes = 0;
    let run = 1;
    for (let i = 1; i <= h.length; i++) {
      if (i < h.length && h[i] === h[i - 1]) {
        run++;
        continue;
      }
      segments++;
      if (run === 1) oneWeek++;
      if (i < h.length) {
        changes++;
        closed++;
        if (run === 1) closedOneWeek++;
      }
      run = 1;
    }
    if (h.length >= 26) perYear.push((changes * 52) / h.length);
    const first = Date.parse(`${s.first_week}T00:00:00Z`);
    for (let i = 0; i < h.length; i++) {
      const month = new Date(first + i * 7 * 86_400_000 + 3 * 86_400_000).getUTCMonth();
      if (month === 0) {
        january++;
        if (h[i] === 'D') januaryDecline++;
      } else {
        other++;
        if (h[i] === 'D') otherDecline++;
      }
    }
  }
  perYear.sort((a, b) => a - b);
  const med = perYear.length === 0 ? NaN : perYear[Math.floor((perYear.length - 1) / 2)]!;
  const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
  return [
    `${skus.length} SKUs; median stage changes per SKU per year ${med.toFixed(1)} (${perYear.length} SKUs with ≥ 26 weeks)`,
    `one-week segments ${oneWeek} of ${segments} (${pct(oneWeek, segments)}); of the closed segments (not the last) ` +
      `${closedOneWeek} of ${closed} (${pct(closedOneWeek, closed)})`,
    `SKU-weeks in decline: January ${pct(januaryDecline, january)}, other months ${pct(otherDecline, other)}`,
  ].join('\n  ');
}

/** Share of weeks whose stage is recovered on the noisy synthetic curves of test/lifecycle-stage.test.ts. */
function recovery(): string {
  const cases: { family: 'bass' | 'triangle'; params: Record<string, number>; n: number }[] = [];
  const u = mulberry32(11);
  for (let k = 0; k < 12; k++) {
    const p = 0.005 + 0.025 * u();
    const q = 0.15 + 0.35 * u();
    cases.push({
      family: 'bass',
      params: { p, q, m: 2000 + 20000 * u() },
      n: Math.round((Math.log(q / p) / (p + q)) * (2.2 + u())),
    });
    const tp = 4 + Math.round(16 * u());
    const params = { tp, te: tp + 10 + Math.round(30 * u()), a: 50 + 400 * u() };
    cases.push({ family: 'triangle', params, n: Math.round(params.te + 4) });
  }
  const z = normalSource(mulberry32(12));
  let right = 0;
  let total = 0;
  for (const c of cases) {
    const p = c.params;
    const sales =
      c.family === 'bass'
        ? (t: number): number => p['m']! * (bassShare(t, p['p']!, p['q']!) - bassShare(t - 1, p['p']!, p['q']!))
        : (t: number): number => triangleSales(t, p['tp']!, p['te']!, p['a']!);
    const stages: Stage[] = curveStages({ family: c.family, params: c.params }, c.n);
    const peak = Math.max(...Array.from({ length: c.n }, (_, i) => sales(i + 1)));
    const y = Array.from({ length: c.n }, (_, i) =>
      Math.max(0, Math.round(sales(i + 1) + Math.sqrt(sales(i + 1)) * z() + 0.05 * peak * z())),
    );
    const a = classifyStage(y, true);
    for (let i = 0; i < c.n; i++) if (a.history[i] === stages[i]) right++;
    total += c.n;
  }
  return `${right} of ${total} weeks (${((100 * right) / total).toFixed(1)} %)`;
}

async function measure(dir: string): Promise<string> {
  const ws = await Workspace.open(dir);
  try {
    const r = await lifecycleWorkspace(ws, { store: false });
    return `as of ${r.as_of}: ${stability(r.skus)}`;
  } finally {
    ws.close();
  }
}

console.log(`synthetic curves, stage recovered: ${recovery()}`);
const sampleDir = mkdtempSync(join(tmpdir(), 'shopcast-lifecycle-stability-'));
try {
  const ws = await Workspace.open(sampleDir);
  await ingestFiles(ws, [join(repo, 'data/sample-shop/order-lines.csv.gz')]);
  ws.close();
  console.log(`sample shop ${await measure(sampleDir)}`);
} finally {
  rmSync(sampleDir, { recursive: true, force: true });
}
const or = onlineRetailWorkspace('bench:lifecycle-stability', values.workspace);
try {
  console.log(`full Online Retail ${await measure(or.dir)}`);
} finally {
  or.cleanup();
}
