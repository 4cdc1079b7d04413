/**
 * An open-loop load of GET requests for `bench:serve --rate R`: request i is due at start + i / R, whatever the
 * server is doing, and its latency is counted from when it was due (its wait for a free connection included) to the
 * last byte of its answer. This is how a fixed rate is timed without coordinated omission (a loop that sends the next
 * request when the last one is answered stops sending while the server stalls, and so never times the requests a
 * stall delays).
 *
 * Why not autocannon's rate mode (`overallRate`), used here before: it lets each connection send back to back until it
 * has made its share of the second's requests and then pause until the next second, so requests delayed by a stall are
 * sent afterwards at once and timed from then; and it corrects for that by recording, for each answer of L ms, extra
 * samples at L − 1, L − 2, … ms (HdrHistogram's `recordValueWithExpectedInterval` with an expected interval of
 * `Math.ceil(1 / rate)` = 1 ms, where a connection's interval at 2,000 requests a second over 16 connections is 8 ms).
 * Its percentiles then counted every slow answer about eight times over, and every answer over 1 ms as several.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  /** the server's origin, e.g. http://127.0.0.1:8080 */
  origin: string;
  /** requests a second */
  rate: number;
  seconds: number;
  /** keep-alive connections (a request due while all are busy waits for one, and that wait counts) */
  connections: number;
  headers: Record<string, string>;
  /** the path of request i */
  path: (i: number) => string;
  /** seconds at the start whose requests are sent but not counted (a warm-up: the server's code paths compiled) */
  warmup?: number;
}

export interface OpenLoopResult {
  /** requests due after the warm-up, and those answered (any status) */
  due: number;
  answered: number;
  /** seconds from the first counted request's due time to the last answer */
  seconds: number;
  /** each counted and answered request's milliseconds from its due time to its answer's last byte, ascending */
  latencyMs: Float64Array;
  /** the slowest answer of the warm-up (ms) */
  warmupMaxMs: number;
  statuses: Record<string, number>;
  /** counted requests that failed without an answer (connection errors) */
  errors: number;
  /** the load's own lateness (its timer, its event loop): the most milliseconds a request reached the pool after it was due */
  maxSendLagMs: number;
  /** performance.now() when the first counted request was due */
  start: number;
  /** per second of due times after the warm-up: the slowest answer of the requests due in it (ms) */
  worstPerSecond: number[];
}

/** Sends the requests at their due times and times each from then (module comment). */
export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(o.origin, { connections: o.connections, pipelining: 1 });
  const skip = Math.round(o.rate * (o.warmup ?? 0));
  const due = skip + Math.round(o.rate * o.seconds);
  const latency = new Float64Array(due).fill(NaN);
  const statuses: Record<string, number> = {};
  let errors = 0;
  let maxSendLagMs = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const dueAt = (i: number): number => start + (i * 1000) / o.rate;
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      for (; issued < due && dueAt(issued) <= now; issued++) {
        const i = issued;
        maxSendLagMs = Math.max(maxSendLagMs, now - dueAt(i));
        inFlight.push(
          pool.request({ method: 'GET', path: o.path(i), headers: o.headers }).then(
            async (res) => {
              // read to the last byte, not kept
              for await (const chunk of res.body) void chunk;
              latency[i] = performance.now() - dueAt(i);
              if (i >= skip) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            },
            () => void (i >= skip && errors++),
          ),
        );
      }
      if (issued < due) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - dueAt(skip)) / 1000;
  await pool.close();
  const worstPerSecond: number[] = [];
  let warmupMaxMs = 0;
  latency.forEach((x, i) => {
    if (Number.isNaN(x)) return;
    if (i < skip) warmupMaxMs = Math.max(warmupMaxMs, x);
    else {
      const k = Math.floor((i - skip) / o.rate);
      worstPerSecond[k] = Math.max(worstPerSecond[k] ?? 0, x);
    }
  });
  const answered = latency
    .subarray(skip)
    .filter((x) => !Number.isNaN(x))
    .sort();
  return {
    due: due - skip,
    answered: answered.length,
    seconds,
    warmupMaxMs,
    latencyMs: answered,
    statuses,
    errors,
    maxSendLagMs,
    start: dueAt(skip),
    worstPerSecond,
  };
}

/** The q-quantile (0…1) of ascending values, by the nearest rank. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
