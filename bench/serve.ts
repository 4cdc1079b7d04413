/**
 * `npm run bench:serve` — the service under load (issue 19's benchmark), on the full Online Retail workspace:
 * GET /skus/{sku} is asked for (the ~200 SKUs with the most revenue, in turn: by autocannon as fast as the server
 * answers, or with --rate R at R requests a second, each timed from when it was due, open-loop.ts) while order
 * batches of 50 lines are posted 10 times a second; an event-stream client times each batch's `forecast.updated`.
 *
 * The workspace holds the file's orders before the cutoff (ingested and planned with the CLI; cached under
 * bench/out/serve-ws-<cutoff>, `--fresh` rebuilds it; each run serves a copy). The order lines after the cutoff are
 * the live traffic, in time order, cut into batches of 50 lines at order boundaries where possible, and re-dated onto
 * ONE day, the day after the workspace's last day (their span laid onto that day, in order): live orders arrive as they
 * happen, today. The first batch of a new day rebuilds the clean daily demand of every SKU (the last day moved), which
 * happens once a day in a real shop: it is posted alone before the load and its cost reported on its own ("new day").
 *
 * Afterwards: every batch's event awaited (timeout), the server stopped (SIGTERM), its workspace opened and the order
 * lines of the posted batches counted (lost = posted − stored). Writes bench/out/serve.json.
 *
 * The GETs send `accept-encoding: gzip, deflate, br`, as a browser does (--identity: none, answers uncompressed).
 *
 * The load, reads and batches, runs --warmup seconds (10) before the --seconds (30) it measures: a service that has
 * been up a while, its code paths compiled (the first seconds of a sudden load on an idle service are slower; their
 * slowest read is reported apart).
 *
 *   npm run bench:serve -- [--seconds 30] [--warmup 10] [--connections 16] [--rate 0 (GET/s; 0: unlimited)] [--cutoff 2011-10-22]
 *     [--fresh] [--cpu-prof] [--identity]
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createWriteStream, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import autocannon from 'autocannon';
import type { OrderLineInput } from '../src/pipeline/order-batch.js';
import { Workspace } from '../src/store/workspace.js';
import { ONLINE_RETAIL } from './or-workspace.js';
import { nearestRank, openLoop } from './open-loop.js';
import { benchServeArgs, startServeProcess } from './serve-process.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rate: { type: 'string', default: '0' },
    cutoff: { type: 'string', default: '2011-10-22' },
    'batch-lines': { type: 'string', default: '50' },
    'batches-per-second': { type: 'string', default: '10' },
    skus: { type: 'string', default: '200' },
    fresh: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    identity: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    'memory-limit': { type: 'string', default: '1GB' },
  },
});
const memoryLimit = values['memory-limit'];
const seconds = Number(values.seconds);
// the load (reads and batches) runs this many seconds before the measured ones: a service that has been up a while
const warmup = Number(values.warmup);
if (!(warmup >= 0)) throw new Error('bench:serve: --warmup must be a number of seconds ≥ 0');
const connections = Number(values.connections);
// GET requests a second over all connections (autocannon's overallRate); 0: as many as the server answers
const rate = Number(values.rate);
if (!Number.isInteger(rate) || rate < 0) throw new Error(`bench:serve: --rate must be a whole number ≥ 0`);
const cutoff = values.cutoff;
const batchLines = Number(values['batch-lines']);
const perSecond = Number(values['batches-per-second']);
if (!/^\d{4}-\d\d-\d\d$/.test(cutoff)) throw new Error(`bench:serve: --cutoff must be YYYY-MM-DD, got '${cutoff}'`);

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shopcast = join(repo, 'bin/shopcast');
const out = join(repo, 'bench/out');

if (!existsSync(ONLINE_RETAIL)) {
  console.log(`bench:serve: ${ONLINE_RETAIL} is absent; nothing measured`);
  process.exit(0);
}

/** Splits one CSV record (quotes doubled inside quoted fields; no line breaks inside fields in this file). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`bench:serve: unterminated quote in ${line}`);
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** Reads the file: lines before the cutoff go to `csv` (same header), the later ones come back as order lines. */
async function splitFile(csv: string | null): Promise<{ live: OrderLineInput[]; lastDay: string }> {
  const w = csv === null ? null : createWriteStream(csv);
  const rl = createInterface({ input: createReadStream(ONLINE_RETAIL).pipe(createGunzip()), crlfDelay: Infinity });
  let header: string[] | null = null;
  let col: Record<string, number> = {};
  const live: OrderLineInput[] = [];
  let lastDay = '';
  for await (const line of rl) {
    if (line.trim() === '') continue;
    if (header === null) {
      header = csvFields(line);
      col = Object.fromEntries(header.map((h, k) => [h, k]));
      w?.write(line + '\n');
      continue;
    }
    const f = csvFields(line);
    const at = f[col['InvoiceDate']!]!;
    if (at < cutoff) {
      w?.write(line + '\n');
      if (at.slice(0, 10) > lastDay) lastDay = at.slice(0, 10);
      continue;
    }
    const text = (k: string): string | null => {
      const v = f[col[k]!]?.trim() ?? '';
      return v === '' ? null : v;
    };
    live.push({
      order_id: f[col['InvoiceNo']!]!,
      ordered_at: at.replace(' ', 'T'),
      sku: f[col['StockCode']!]!,
      quantity: Number(f[col['Quantity']!]),
      unit_price: Number(f[col['UnitPrice']!]),
      customer_id: text('CustomerID'),
      country: text('Country'),
      description: text('Description'),
    });
  }
  if (w !== null)
    await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
  // time order (the file is nearly so); stable, so an order's lines stay together
  live.sort((a, b) => (a.ordered_at < b.ordered_at ? -1 : a.ordered_at > b.ordered_at ? 1 : 0));
  return { live, lastDay };
}

/** Batches of about `size` lines, cut where the order changes (an order longer than `size` is cut inside). */
function batchesOf(lines: readonly OrderLineInput[], size: number): OrderLineInput[][] {
  const batches: OrderLineInput[][] = [];
  let cur: OrderLineInput[] = [];
  for (let i = 0; i < lines.length; i++) {
    cur.push(lines[i]!);
    const next = lines[i + 1];
    const boundary = next === undefined || next.order_id !== lines[i]!.order_id;
    // cut at an order boundary once near the size; inside an order only when it alone overflows
    if ((cur.length >= size && boundary) || cur.length >= size * 2 || next === undefined) {
      if (cur.length > size && !boundary) {
        batches.push(cur.slice(0, size));
        cur = cur.slice(size);
        continue;
      }
      batches.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}

function run(args: string[], what: string): string {
  const r = spawnSync(process.execPath, [shopcast, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench:serve: ${what} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// ---- the workspace (cached) and the live traffic ----
mkdirSync(out, { recursive: true });
const cached = join(out, `serve-ws-${cutoff}`);
if (values.fresh) rmSync(cached, { recursive: true, force: true });
const prepared = existsSync(join(cached, 'plan'));
const t0 = performance.now();
const csv = join(out, `serve-ws-${cutoff}.csv`);
const { live, lastDay } = await splitFile(prepared ? null : csv);
if (!prepared) {
  console.log(`bench:serve: preparing the workspace (orders before ${cutoff}: ingest + plan) in ${cached}`);
  const tmp = `${cached}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  run(
    ['plan', csv, '--workspace', tmp, '--out', join(tmp, 'plan'), '--currency', 'GBP', '--memory-limit', memoryLimit],
    'plan',
  );
  cpSync(tmp, cached, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  rmSync(csv, { force: true });
  console.log(`  prepared in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
// the next day the shop trades on: the day after the last one, skipping weekdays no later order falls on (this shop
// never sells on Saturdays: an order on one would be a shop-wide change of its closed days, not a normal day)
const weekdays = new Set(live.map((l) => new Date(`${l.ordered_at.slice(0, 10)}T00:00:00Z`).getUTCDay()));
let todayMs = Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000;
while (!weekdays.has(new Date(todayMs).getUTCDay())) todayMs += 86_400_000;
const today = new Date(todayMs).toISOString().slice(0, 10);
// each line's time: its place in the traffic's span laid onto today (00:00:00 to 23:59:59), so that the lines keep their
// order; the original times of day would run back and forth through the day once for each original day (8 times in
// the default run), which a live shop's orders never do (a SKU's new line then often came before its cancellation)
const spanMs = (l: OrderLineInput): number => Date.parse(`${l.ordered_at}Z`);
const [firstMs, lastMs] = [spanMs(live[0]!), spanMs(live[live.length - 1]!)];
const redated = live.map((l) => {
  const s = Math.floor(((spanMs(l) - firstMs) / Math.max(1, lastMs - firstMs)) * 86_399);
  return { ...l, ordered_at: new Date(todayMs + s * 1000).toISOString().slice(0, 19) };
});
const batches = batchesOf(redated, batchLines);
const warmupBatches = Math.round(warmup * perSecond);
const measuredBatches = Math.round(seconds * perSecond);
const loadBatches = warmupBatches + measuredBatches;
if (batches.length < loadBatches + 1)
  throw new Error(`bench:serve: ${batches.length} batches after ${cutoff}, ${loadBatches + 1} needed`);
console.log(
  `bench:serve: workspace = orders before ${cutoff} (last day ${lastDay}); live: ${live.length} later lines ` +
    `re-dated onto ${today}, ${batches.length} batches of ≈${batchLines} (${loadBatches + 1} used: the new day's, ${warmupBatches} in the warm-up, ${measuredBatches} measured)`,
);

const ws = mkdtempSync(join(tmpdir(), 'shopcast-bench-serve-'));
cpSync(cached, ws, { recursive: true });
const token = (
  JSON.parse(
    run(['keys', 'create', '--name', 'bench', '--scope', 'admin', '--workspace', ws, '--json'], 'keys create'),
  ) as { token: string }
).token;
const auth = { authorization: `Bearer ${token}` };
// the GETs ask for gzip as a browser does (the server sends its answers gzipped then); --identity: uncompressed
const getHeaders = values.identity ? auth : { ...auth, 'accept-encoding': 'gzip, deflate, br' };

// ---- the server ----
const serverArgs = [
  ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(out, 'serve-prof')}`] : []),
  ...benchServeArgs({ shopcast, workspace: ws, logLevel: values['log-level']!, memoryLimit }),
];
const { server, url } = await startServeProcess('bench:serve', serverArgs);
console.log(`  server ${url} (pid ${server.pid}), workspace copy ${ws}`);

function serverRss(): { rss_mb: number; peak_rss_mb: number } {
  const s = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rss_mb: kb('VmRSS') / 1024, peak_rss_mb: kb('VmHWM') / 1024 };
}

/**
 * CPU seconds the server used so far (user + system, /proc/<pid>/task/<tid>/stat fields 14 and 15, in clock ticks of
 * 1/100 s): on its main thread (tid = pid) and on all its other threads (refresh workers, DuckDB, libuv). Threads that
 * ended are counted in neither (the server's threads live as long as it does during the run).
 */
function serverCpu(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${server.pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${server.pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const s = (Number(f[11]) + Number(f[12])) / 100;
    if (tid === String(server.pid)) main += s;
    else others += s;
  }
  return { main, others };
}

// ---- the event stream ----
const arrived = new Map<number, number>(); // batch id → performance.now() of its forecast.updated
const failed = new Set<number>();
let eventsSeen = 0;
const sse = new AbortController();
const ticket = (await (await fetch(`${url}/events/ticket`, { method: 'POST', headers: auth })).json()) as {
  ticket: string;
};
const stream = await fetch(`${url}/events?ticket=${encodeURIComponent(ticket.ticket)}`, { signal: sse.signal });
if (!stream.ok || stream.body === null) throw new Error(`bench:serve: GET /events answered ${stream.status}`);
void (async () => {
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const type = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (type === 'forecast.updated' || type === 'refresh.failed') {
          eventsSeen++;
          const now = performance.now();
          const ids = (JSON.parse(data) as { batches?: number[] }).batches ?? [];
          for (const id of ids) {
            if (type === 'forecast.updated') arrived.set(id, now);
            else failed.add(id);
          }
        }
      }
    }
  } catch (e) {
    if (!sse.signal.aborted) console.error('bench:serve: event stream ended:', e);
  }
})();

// ---- the poster ----
interface Posted {
  index: number;
  sent: number;
  status: number;
  batch_id: number | null;
  lines: number;
  lines_new: number;
  answered_ms: number;
  error?: string;
}
const posted: Posted[] = [];
async function post(index: number): Promise<Posted> {
  const lines = batches[index]!;
  const sent = performance.now();
  const p: Posted = { index, sent, status: 0, batch_id: null, lines: lines.length, lines_new: 0, answered_ms: NaN };
  posted.push(p);
  try {
    const r = await fetch(`${url}/order-lines`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ lines }),
    });
    p.status = r.status;
    const body = (await r.json()) as { batch_id?: number; lines_new?: number; message?: string };
    if (r.ok) {
      p.batch_id = body.batch_id!;
      p.lines_new = body.lines_new!;
    } else p.error = body.message ?? JSON.stringify(body);
  } catch (e) {
    p.error = e instanceof Error ? e.message : String(e);
  }
  p.answered_ms = performance.now() - sent;
  return p;
}
async function waitForEvents(ids: readonly number[], timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (ids.every((id) => arrived.has(id) || failed.has(id))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

// the new day: its first batch alone (a full rebuild of daily demand, then the re-forecast, then monitoring)
const first = await post(0);
if (first.batch_id === null) throw new Error(`bench:serve: the first batch failed (${first.status}): ${first.error}`);
await waitForEvents([first.batch_id], 300_000);
const newDayMs = (arrived.get(first.batch_id) ?? NaN) - first.sent;
console.log(
  `  new day: first batch answered in ${first.answered_ms.toFixed(0)} ms, its event after ${newDayMs.toFixed(0)} ms`,
);
// let the monitoring a new day starts finish before the load
await new Promise((r) => setTimeout(r, 2000));

// the SKUs to read: the top ones by revenue
const list = (await (
  await fetch(`${url}/skus?sort=revenue&order=desc&limit=${values.skus}`, { headers: auth })
).json()) as {
  items: { sku: string }[];
};
const paths = list.items.map((s) => `/skus/${encodeURIComponent(s.sku)}`);
// a running service's cache holds the SKUs being read: fill it once (each answer is computed on its first read)
// (asking for gzip: the answer's bytes as sent are its content-length, fetch hands over the JSON decompressed)
const tw = performance.now();
const answerBytes = { json: 0, sent: 0 };
for (const path of paths) {
  const r = await fetch(`${url}${path}`, { headers: { ...auth, 'accept-encoding': 'gzip' } });
  answerBytes.json += (await r.arrayBuffer()).byteLength;
  answerBytes.sent += Number(r.headers.get('content-length'));
}
console.log(
  `  cache warmed: ${paths.length} SKUs read once in ${((performance.now() - tw) / 1000).toFixed(1)} s; an answer ` +
    `${(answerBytes.json / paths.length / 1024).toFixed(1)} KB of JSON, ` +
    `${(answerBytes.sent / paths.length / 1024).toFixed(1)} KB gzipped on average`,
);
const metricsText = async (): Promise<string> => (await fetch(`${url}/metrics`, { headers: auth })).text();
/** The live cycles' counters: cycles, SKUs re-forecast, seconds per step. */
const cyclesOf = (text: string): { cycles: number; skus: number; seconds: Record<string, number> } => ({
  cycles: Number(/^shopcast_live_cycles_total (\S+)/m.exec(text)?.[1] ?? 0),
  skus: Number(/^shopcast_live_cycle_skus_total (\S+)/m.exec(text)?.[1] ?? 0),
  seconds: Object.fromEntries(
    [...text.matchAll(/^shopcast_live_cycle_seconds_total\{step="(\w+)"\} (\S+)/gm)].map((m) => [m[1]!, Number(m[2])]),
  ),
});
const cacheOf = (text: string): { hits: number; misses: number; previous: number } => ({
  hits: Number(/^shopcast_sku_cache_answers\{result="hit"\} (\S+)/m.exec(text)?.[1] ?? NaN),
  misses: Number(/^shopcast_sku_cache_answers\{result="miss"\} (\S+)/m.exec(text)?.[1] ?? NaN),
  previous: Number(/^shopcast_sku_cache_answers\{result="previous"\} (\S+)/m.exec(text)?.[1] ?? NaN),
});
// a service warms the launch model of its data in the background when it starts (a worker thread training for tens of
// seconds when none is stored): the load starts once that is done, as on a service that has been up a while
const tl = performance.now();
while (/^shopcast_launch_model_warming (\S+)/m.exec(await metricsText())?.[1] !== '0')
  await new Promise((r) => setTimeout(r, 250));
const launchWarmS = (performance.now() - tl) / 1000;
console.log(`  launch model warm: waited ${launchWarmS.toFixed(1)} s more for it`);

// ---- the load ----
const loads: number[] = [];
const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 1000);
let turn = 0;
let cpuStart = serverCpu();
let benchCpu0 = process.cpuUsage();
let cyclesStart = cyclesOf(await metricsText());
let cacheStart = cacheOf(await metricsText());
const loadStart = performance.now();
// the figures (CPU, cycles, latencies) count from the end of the warm-up
const measuredStart = loadStart + warmup * 1000;
const snapshot = (async () => {
  await new Promise((r) => setTimeout(r, warmup * 1000));
  cpuStart = serverCpu();
  benchCpu0 = process.cpuUsage();
  const text = await metricsText();
  cyclesStart = cyclesOf(text);
  cacheStart = cacheOf(text);
})();
/** The GETs' figures, from either load. */
interface Reads {
  /** closed: autocannon's connections each send when answered; open: requests due at a fixed rate (open-loop.ts) */
  mode: 'closed' | 'open';
  requests: number;
  requests_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  status: Record<string, number>;
  errors: number;
  timeouts: number;
  /** open: the load's own lateness at its worst (ms) */
  send_lag_ms?: number;
  /** open: the slowest answer of the warm-up (ms) */
  warmup_max_ms?: number;
  worst_ms_per_second?: number[];
  start?: number;
}
/** autocannon's GETs for `duration` seconds, as fast as the server answers. */
function cannon(duration: number): ReturnType<typeof autocannon> {
  return autocannon({
    url,
    connections,
    duration,
    headers: getHeaders,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[turn++ % paths.length]! }) }],
  });
}
const readsDone: Promise<Reads> =
  rate > 0
    ? openLoop({
        origin: url,
        rate,
        seconds,
        warmup,
        connections,
        headers: getHeaders,
        path: () => paths[turn++ % paths.length]!,
      }).then((r) => ({
        mode: 'open',
        requests: r.answered,
        requests_per_s: r.answered / r.seconds,
        latency_ms: {
          p50: nearestRank(r.latencyMs, 0.5),
          p90: nearestRank(r.latencyMs, 0.9),
          p99: nearestRank(r.latencyMs, 0.99),
          max: nearestRank(r.latencyMs, 1),
        },
        status: r.statuses,
        errors: r.errors,
        timeouts: 0,
        send_lag_ms: r.maxSendLagMs,
        warmup_max_ms: r.warmupMaxMs,
        // the slowest answer per second of the load, and the seconds at which forecast.updated events arrived
        worst_ms_per_second: r.worstPerSecond.map((x) => Math.round(x)),
        start: r.start,
      }))
    : (warmup > 0 ? cannon(warmup).then(() => undefined) : Promise.resolve()).then(() =>
        cannon(seconds).then((result) => ({
          mode: 'closed',
          requests: result.requests.total,
          requests_per_s: result.requests.average,
          latency_ms: {
            p50: result.latency.p50,
            p90: result.latency.p90,
            p99: result.latency.p99,
            max: result.latency.max,
          },
          status: Object.fromEntries(
            Object.entries(result.statusCodeStats ?? {}).map(([c, s]) => [c, Number((s as { count: number }).count)]),
          ),
          errors: result.errors,
          timeouts: result.timeouts,
        })),
      );
const posts: Promise<Posted>[] = [];
for (let k = 1; k <= loadBatches; k++) {
  const due = loadStart + ((k - 1) * 1000) / perSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  posts.push(post(k));
}
const postingMs = performance.now() - measuredStart;
const reads = await readsDone;
await snapshot;
const benchCpu = process.cpuUsage(benchCpu0);
console.log(`  load done; ${posted.filter((p) => p.status !== 0).length} of ${posted.length} posts answered`);
await Promise.all(posts);
console.log(`  every post answered after ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
const ids = posted.filter((p) => p.batch_id !== null).map((p) => p.batch_id!);
const allArrived = await waitForEvents(ids, 120_000);
const cpuEnd = serverCpu();
const busyS = (performance.now() - measuredStart) / 1000;
console.log(`  events: ${ids.filter((id) => arrived.has(id)).length} of ${ids.length} batches covered`);
clearInterval(loadTimer);
const memory = serverRss();
const endText = await metricsText();
// the answers of the measured seconds: hits, misses, and previous answers served while a cycle refreshed them
const cacheEnd = cacheOf(endText);
const cache = {
  hits: cacheEnd.hits - cacheStart.hits,
  misses: cacheEnd.misses - cacheStart.misses,
  previous: cacheEnd.previous - cacheStart.previous,
};
const cyclesEnd = cyclesOf(endText);
const cycleCount = cyclesEnd.cycles - cyclesStart.cycles;
const cycles = {
  count: cycleCount,
  skus_per_cycle: (cyclesEnd.skus - cyclesStart.skus) / Math.max(1, cycleCount),
  seconds_per_cycle: Object.fromEntries(
    Object.entries(cyclesEnd.seconds).map(([k, v]) => [
      k,
      (v - (cyclesStart.seconds[k] ?? 0)) / Math.max(1, cycleCount),
    ]),
  ),
};
sse.abort();

// ---- stop the server, count what it stored ----
server.kill('SIGTERM');
const exitCode = await new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
const store = await Workspace.open(ws);
const { n: stored } = await store.one<{ n: number }>(
  `SELECT count(*)::INTEGER AS n FROM raw_order_lines WHERE file_id IN (SELECT file_id FROM files WHERE path = 'api:order-batch')`,
);
store.close();

// ---- figures ----
const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
};
const measured = posted.filter((p) => p.index > warmupBatches);
const lat = measured
  .filter((p) => p.batch_id !== null && arrived.has(p.batch_id))
  .map((p) => arrived.get(p.batch_id!)! - p.sent);
const statuses = reads.status;
const posterStatuses: Record<string, number> = {};
for (const p of posted) posterStatuses[String(p.status)] = (posterStatuses[String(p.status)] ?? 0) + 1;
const count5xx =
  Object.entries(statuses).reduce((n, [c, k]) => n + (Number(c) >= 500 ? k : 0), 0) +
  posted.filter((p) => p.status >= 500).length;
const linesPosted = posted.reduce((n, p) => n + (p.batch_id !== null ? p.lines : 0), 0);
const linesNew = posted.reduce((n, p) => n + p.lines_new, 0);
// lines the server answered were already stored (identical to a line of an earlier batch: the file repeats some
// lines inside an order, and an order may be cut across batches): stored once by design, so not lost
const notNew = linesPosted - linesNew;
const report = {
  command:
    `npm run bench:serve -- --seconds ${seconds} --warmup ${warmup} --connections ${connections} --rate ${rate} ` +
    `--cutoff ${cutoff} ` +
    `--log-level ${values['log-level']} --memory-limit ${memoryLimit}${values.identity ? ' --identity' : ''}`,
  date: new Date().toISOString(),
  workspace: { cutoff, last_day: lastDay, live_day: today },
  get: {
    connections,
    rate: rate > 0 ? rate : 'unlimited',
    accept_encoding: values.identity ? 'identity' : 'gzip, deflate, br',
    // the average answer of the SKUs read, as JSON and gzipped (bytes)
    answer_bytes: { json: answerBytes.json / paths.length, gzip: answerBytes.sent / paths.length },
    seconds,
    skus: paths.length,
    ...reads,
    cache,
  },
  batches: {
    lines_per_batch: batchLines,
    per_second_target: perSecond,
    posted: measured.length,
    posting_s: postingMs / 1000,
    post_answer_ms: {
      p50: q(
        measured.map((p) => p.answered_ms),
        0.5,
      ),
      p95: q(
        measured.map((p) => p.answered_ms),
        0.95,
      ),
    },
    status: posterStatuses,
    errors: posted
      .filter((p) => p.error !== undefined)
      .map((p) => `#${p.index}: ${p.status} ${p.error}`)
      .slice(0, 10),
    to_event_ms: { p50: q(lat, 0.5), p95: q(lat, 0.95), max: q(lat, 1), with_event: lat.length },
    all_events_arrived: allArrived,
    cycles,
    refresh_failed: failed.size,
    forecast_updated_events: eventsSeen,
  },
  new_day: { post_answer_ms: first.answered_ms, to_event_ms: newDayMs },
  launch_model_warm_wait_s: launchWarmS,
  lines: {
    posted: linesPosted,
    already_stored_per_answers: notNew,
    new_per_answers: linesNew,
    stored,
    lost: linesNew - stored,
  },
  // from the load's start to the last batch's event: the CPU the traffic (GETs and batches) cost the server
  server_cpu_s: {
    wall_s: busyS,
    main: cpuEnd.main - cpuStart.main,
    other_threads: cpuEnd.others - cpuStart.others,
  },
  // this process's CPU over the load: the GETs' client, the posts, the event stream
  bench_cpu_s: (benchCpu.user + benchCpu.system) / 1e6,
  count_5xx: count5xx,
  server: { ...memory, exit_code: exitCode },
  load_average_1m: {
    min: Math.min(...loads),
    mean: loads.reduce((a, b) => a + b, 0) / loads.length,
    max: Math.max(...loads),
  },
};
writeFileSync(join(out, 'serve.json'), JSON.stringify(report, null, 2) + '\n');
rmSync(ws, { recursive: true, force: true });

const f0 = (x: number): string => x.toFixed(0);
console.log(
  `GET /skus/{sku}: ${f0(report.get.requests_per_s)} requests/s (${report.get.requests} in ${seconds} s, ` +
    `${connections} connections, rate ${rate > 0 ? rate + '/s, open loop' : 'unlimited'}, ${paths.length} SKUs, ` +
    `${values.identity ? 'uncompressed' : 'gzip accepted'}), ` +
    `latency${rate > 0 ? " from each request's due time" : ''} p50 ${f0(report.get.latency_ms.p50)} ms, ` +
    `p90 ${f0(report.get.latency_ms.p90)} ms, p99 ${f0(report.get.latency_ms.p99)} ms, ` +
    `max ${f0(report.get.latency_ms.max)} ms; status ${JSON.stringify(statuses)}; ` +
    `cache hits ${cache.hits}, misses ${cache.misses}, previous answers ${cache.previous}` +
    (reads.send_lag_ms === undefined ? '' : `; the load's own lateness at most ${f0(reads.send_lag_ms)} ms`) +
    (reads.warmup_max_ms === undefined ? '' : `; slowest in the ${warmup} s warm-up ${f0(reads.warmup_max_ms)} ms`),
);
console.log(
  `batches: ${measured.length} of ≈${batchLines} lines posted in ${(postingMs / 1000).toFixed(1)} s ` +
    `(POST answered p50 ${f0(report.batches.post_answer_ms.p50)} ms, p95 ${f0(report.batches.post_answer_ms.p95)} ms); ` +
    `batch → forecast.updated p50 ${f0(report.batches.to_event_ms.p50)} ms, p95 ${f0(report.batches.to_event_ms.p95)} ms, ` +
    `max ${f0(report.batches.to_event_ms.max)} ms (${lat.length} with their event; status ${JSON.stringify(posterStatuses)})`,
);
console.log(
  `live cycles: ${cycles.count}, ${cycles.skus_per_cycle.toFixed(0)} SKUs each; seconds per cycle: ` +
    Object.entries(cycles.seconds_per_cycle)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', '),
);
console.log(
  `new day (first batch of a day): answered ${f0(first.answered_ms)} ms, forecast.updated after ${f0(newDayMs)} ms`,
);
console.log(
  `lines: posted ${linesPosted} (${notNew} answered as already stored), new ${linesNew}, stored ${stored}, ` +
    `lost ${linesNew - stored}; 5xx: ${count5xx}; ` +
    `server peak RSS ${f0(memory.peak_rss_mb)} MB; load average (1 min) during the run ` +
    `${report.load_average_1m.min.toFixed(1)}–${report.load_average_1m.max.toFixed(1)} on ${cpus().length} cores`,
);
console.log(
  `server CPU from the load's start to the last event (${busyS.toFixed(1)} s): main thread ` +
    `${report.server_cpu_s.main.toFixed(1)} s, other threads ${report.server_cpu_s.other_threads.toFixed(1)} s ` +
    `(${((report.server_cpu_s.main + report.server_cpu_s.other_threads) / seconds).toFixed(2)} CPU-s per second of ` +
    `traffic, ${seconds} s of it); the bench's own process ${report.bench_cpu_s.toFixed(1)} CPU-s`,
);
if (reads.worst_ms_per_second !== undefined && reads.start !== undefined) {
  // when the cycles ended (their events) against the slowest read of each second: what the reads wait for
  const ends = new Set([...new Set(arrived.values())].map((t) => Math.floor((t - reads.start!) / 1000)));
  console.log(
    `slowest GET per second of the load (ms; * a second in which a forecast.updated arrived): ` +
      reads.worst_ms_per_second.map((x, k) => `${ends.has(k) ? '*' : ''}${x}`).join(' '),
  );
}
console.log(`  → bench/out/serve.json`);
