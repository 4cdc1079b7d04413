/**
 * Live refresh on the Online Retail workspace (issue 19): the wall-clock time of `refreshSkus` for batches of 40 SKUs
 * and the longest stretch the main thread is blocked meanwhile (a service answers requests on that thread), read two
 * ways: perf_hooks' event-loop delay histogram (1 ms resolution) and the largest gap between 1 ms timer ticks.
 *
 *   node dist/bench/refresh.js --workspace /tmp/or-ws-b [--skus 40] [--rounds 5] [--threads N]
 *
 * The workspace must hold a plan (`shopcast plan FILE --workspace DIR --out OUT`): the refresh keeps its classes.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeRefreshWorkers, refreshSkus } from '../src/pipeline/refresh.js';
import { readSkuState } from '../src/store/sku-state.js';
import { Workspace } from '../src/store/workspace.js';

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    skus: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string' },
  },
});
if (values.workspace === undefined) {
  console.log('bench:refresh: --workspace DIR (a workspace with a plan) is required');
  process.exit(2);
}
const perRound = Number(values.skus);
const rounds = Number(values.rounds);
const threads = values.threads === undefined ? undefined : Number(values.threads);

const ws = await Workspace.open(values.workspace, { mustExist: true });
const all = (await readSkuState(ws)).map((s) => s.sku);
if (all.length < perRound * (rounds + 1)) throw new Error(`bench:refresh: ${all.length} SKUs in sku_state: run a plan`);
// SKUs spread over the catalogue (code order), a different set each round
const pick = (round: number): string[] =>
  Array.from(
    { length: perRound },
    (_, k) => all[Math.floor(((k * (rounds + 1) + round) * all.length) / (perRound * (rounds + 1)))]!,
  );

/**
 * The main thread's CPU time so far, ms (Linux: /proc/self/task/<pid>/schedstat, first field, ns), or NaN elsewhere.
 * On a loaded machine a tick gap also counts the time the OS ran other processes; the CPU time between two ticks
 * is what the main thread itself spent.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** Runs `fn`, measuring the main thread's longest block while it runs. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ out: T; ms: number; histMaxMs: number; gapMaxMs: number; cpuMaxMs: number }> {
  const hist = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gapMax = 0;
  let lastCpu = mainThreadCpuMs();
  let cpuMax = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    gapMax = Math.max(gapMax, now - last);
    cpuMax = Math.max(cpuMax, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  }, 1);
  hist.enable();
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  hist.disable();
  clearInterval(tick);
  return { out, ms, histMaxMs: hist.max / 1e6, gapMaxMs: gapMax, cpuMaxMs: cpuMax };
}

// the noise floor: the same measure on an idle event loop for 2 s (on a loaded machine the OS alone delays ticks)
const idle = await measured(() => new Promise((resolve) => setTimeout(resolve, 2000)));
console.log(
  `idle 2 s: event-loop delay max ${idle.histMaxMs.toFixed(1)} ms / largest tick gap ${idle.gapMaxMs.toFixed(1)} ms / ` +
    `main-thread CPU between ticks ${idle.cpuMaxMs.toFixed(1)} ms`,
);
const rows: string[] = [];
for (let r = 0; r <= rounds; r++) {
  const skus = pick(r);
  const m = await measured(() => refreshSkus(ws, skus, threads === undefined ? {} : { threads }));
  const s = m.out.seconds;
  rows.push(
    `${r === 0 ? 'first (workers start)' : `round ${r}`}: ${m.out.skus.length} SKUs in ${m.ms.toFixed(0)} ms ` +
      `(read ${(s['read']! * 1000).toFixed(0)}, forecast ${(s['forecast']! * 1000).toFixed(0)}, policy ` +
      `${(s['policy']! * 1000).toFixed(0)}, write ${(s['write']! * 1000).toFixed(0)}); main thread blocked at most ` +
      `${m.histMaxMs.toFixed(1)} ms (event-loop delay max) / ${m.gapMaxMs.toFixed(1)} ms (largest 1 ms tick gap) / ` +
      `${m.cpuMaxMs.toFixed(1)} ms (main-thread CPU between ticks); ` +
      `runs ${m.out.forecast_runs.champion}${m.out.forecast_runs.challenger === null ? '' : `+${m.out.forecast_runs.challenger}`}`,
  );
  console.log(rows.at(-1));
}
await closeRefreshWorkers();
ws.close();
