/**
 * Spreads a batch over worker threads (one per core by default). The batch is cut into chunks of
 * contiguous series, several per thread, and each worker takes the next chunk when it finishes
 * one, so that threads stay busy even when some series take much longer to fit than others;
 * results are stitched back in order. With one thread it runs in the calling thread, unless asked
 * to fit in a worker (`inWorker`, or a `ForecastPool`): a service's main thread must never fit a model.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BatchForecast, type BatchOptions, forecastBatch } from './forecast-batch.js';
import { allocateFlat, placeSeries } from './quantile-view.js';
import { type SeriesBatch, type SeriesList, isFlatBatch, seriesOffsets, sliceSeries } from './series-batch.js';
import { type ShardRunner, equalShares, shardLabel } from './shards.js';

/**
 * Splits [0, k) into contiguous ranges holding about `shares` (summing to 1) of the total series length, each range
 * one series at least (the last ends at k).
 */
function partitionShares(offsets: Int32Array, shares: readonly number[]): [number, number][] {
  const k = offsets.length - 1;
  const total = offsets[k]!;
  const out: [number, number][] = [];
  let from = 0;
  let cumulative = 0;
  for (let p = 0; p < shares.length && from < k; p++) {
    const end = total * (cumulative += shares[p]!);
    let to = from + 1;
    while (to < k && offsets[to]! < end) to++;
    if (p === shares.length - 1) to = k;
    out.push([from, to]);
    from = to;
  }
  return out;
}

const CHUNKS_PER_THREAD = 8;

const FORECAST_WORKER = new URL('./forecast-worker.js', import.meta.url);

function newForecastWorker(): Worker {
  return new Worker(FORECAST_WORKER);
}

/**
 * Sends one task to `worker` and resolves with its `{ result }` answer, rejects with its `{ error }` answer or its
 * failure (a worker that failed is not to be used again); `{ progress }` answers go to `onProgress`. Listeners are
 * removed when the task is done. The protocol of forecast-worker.ts and of the pipeline's workers kept in a
 * `ForecastPool`.
 * @example const fc = await runTask<BatchForecast>(worker, { batch, options });
 */
export function runTask<R>(
  worker: Worker,
  message: unknown,
  onProgress: (done: number) => void = () => {},
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (msg: { progress?: number; result?: R; error?: string }): void => {
      if (msg.progress !== undefined) return onProgress(msg.progress);
      done();
      if (msg.result !== undefined) resolve(msg.result);
      else reject(new Error(msg.error));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`worker exited (code ${code}) before it finished`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(message);
  });
}

/** Forecasts one sub-batch on `worker` (forecast-worker.ts). */
function runChunk(
  worker: Worker,
  batch: SeriesBatch,
  options: BatchOptions,
  onProgress: (done: number) => void,
): Promise<BatchForecast> {
  return runTask<BatchForecast>(worker, { batch, options }, onProgress);
}

/**
 * Worker threads kept between batches (a service re-forecasts a few SKUs many times a minute: starting a thread
 * and loading the models each time would cost more than the fits). Idle workers are unref'd, so an open pool does
 * not keep a process alive; `close()` ends them. A worker that fails is replaced. The workers run forecast-worker.ts
 * (what `forecastParallel` sends), or `script`, another entry speaking the same protocol (`runTask`).
 * @example
 * const pool = new ForecastPool(1);
 * const fc = await forecastParallel(batch, options, 1, undefined, { pool });
 * await pool.close();
 */
export class ForecastPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly live = new Set<Worker>();
  private closed = false;

  /** `size`: at most this many worker threads (default: one per core); `script`: their entry module. */
  constructor(
    readonly size: number = availableParallelism(),
    private readonly script: URL = FORECAST_WORKER,
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`ForecastPool: size must be ≥ 1, got ${size}`);
  }

  /** A worker for one chunk: an idle one, a new one while fewer than `size` live, else the next one released. */
  acquire(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('ForecastPool: closed'));
    const w = this.idle.pop();
    if (w !== undefined) {
      w.ref();
      return Promise.resolve(w);
    }
    if (this.live.size < this.size) return Promise.resolve(this.start());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private start(): Worker {
    const w = new Worker(this.script);
    this.live.add(w);
    // a worker that dies on its own (out of memory…) leaves the pool; the next acquire starts another
    w.on('exit', () => {
      this.live.delete(w);
      const k = this.idle.indexOf(w);
      if (k >= 0) this.idle.splice(k, 1);
    });
    return w;
  }

  /** Gives a worker back; `broken`: it failed, end it (a waiting caller gets a new one). */
  release(w: Worker, broken = false): void {
    if (broken || this.closed) {
      this.live.delete(w);
      void w.terminate();
      if (this.closed) return;
      const next = this.waiting.shift();
      if (next !== undefined) next(this.start());
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) return next(w);
    w.unref();
    this.idle.push(w);
  }

  /** Ends every worker (idle ones now, busy ones as they are released). */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((w) => w.terminate()));
  }
}

/** Options of `forecastParallel` beyond the thread count. */
export interface ParallelOptions {
  /** fit in worker threads even with one thread or one series (default false) */
  inWorker?: boolean;
  /** take the workers from this pool (kept afterwards) instead of starting new ones; implies `inWorker` */
  pool?: ForecastPool;
  /** run the batch as shards on this runner (BullMQ workers: src/worker/) instead of threads; `threads` is ignored */
  shards?: ShardRunner;
}

/**
 * Forecasts `batch` on `threads` worker threads (see the module comment); the result is the same as
 * `forecastBatch(batch, options)` whatever the split, each series having its own random stream. `batch` may be a list
 * of series (`SeriesList`): each chunk is then copied flat as it is sent, never the whole list at once.
 */
export async function forecastParallel(
  batch: SeriesBatch | SeriesList,
  options: BatchOptions,
  threads = availableParallelism(),
  onProgress?: (done: number, total: number) => void,
  p: ParallelOptions = {},
): Promise<BatchForecast> {
  const k = batch.ids.length;
  if (p.shards !== undefined && k > 0) return forecastShards(batch, options, p.shards, onProgress);
  const inWorker = p.inWorker === true || p.pool !== undefined;
  if (k === 0 || (!inWorker && (threads <= 1 || k < 2)))
    return forecastBatch(isFlatBatch(batch) ? batch : sliceSeries(batch, 0, k), options, (d) => onProgress?.(d, k));
  const nThreads = Math.max(1, Math.min(threads, k, p.pool?.size ?? Infinity));
  const ranges = partitionShares(
    seriesOffsets(batch),
    equalShares(nThreads === 1 ? 1 : Math.min(k, nThreads * CHUNKS_PER_THREAD)),
  );
  const parts: BatchForecast[] = new Array(ranges.length);
  let next = 0;
  let finished = 0;
  const inChunk = new Array<number>(ranges.length).fill(0);
  const report = (): void => onProgress?.(finished + inChunk.reduce((a, b) => a + b, 0), k);
  const acquire = (): Promise<Worker> =>
    p.pool !== undefined ? p.pool.acquire() : Promise.resolve(newForecastWorker());
  const release = (w: Worker, broken: boolean): void => {
    if (p.pool !== undefined) p.pool.release(w, broken);
    else void w.terminate();
  };
  await Promise.all(
    Array.from({ length: nThreads }, async () => {
      const worker = await acquire();
      try {
        while (next < ranges.length) {
          const current = next++;
          const [from, to] = ranges[current]!;
          parts[current] = await runChunk(worker, sliceSeries(batch, from, to), options, (d) => {
            inChunk[current] = d;
            report();
          });
          inChunk[current] = 0;
          finished += to - from;
          report();
        }
      } catch (e) {
        release(worker, true);
        throw e;
      }
      release(worker, false);
    }),
  );
  return stitch(k, options, ranges, parts);
}

/** The forecasts of contiguous sub-batches (`ranges`, in order) as one forecast of the whole batch of `k` series. */
function stitch(k: number, options: BatchOptions, ranges: [number, number][], parts: BatchForecast[]): BatchForecast {
  const flat = allocateFlat(k, options.h, parts[0]!.levels);
  const models: string[] = [];
  const fallbacks = parts.flatMap((q) => q.fallbacks);
  const backtestMase = new Float64Array(k).fill(NaN);
  ranges.forEach(([from], i) => {
    placeSeries(flat, from, parts[i]!);
    models.push(...parts[i]!.models);
    if (parts[i]!.backtestMase !== undefined) backtestMase.set(parts[i]!.backtestMase!, from);
  });
  const out: BatchForecast = {
    h: options.h,
    levels: parts[0]!.levels,
    mean: flat.mean,
    quantiles: flat.quantiles,
    models,
    fallbacks,
    backtestMase,
    resumed: parts.reduce((a, q) => a + (q.resumed ?? 0), 0),
  };
  return options.keepStates === true ? { ...out, states: parts.flatMap((q) => q.states ?? []) } : out;
}

/**
 * Forecasts `batch` as shards on `runner`: contiguous sub-batches of about equal total length (as for threads), one
 * task each (pipeline/shard-tasks.ts runs it: `forecastBatch`), stitched back in order.
 */
async function forecastShards(
  batch: SeriesBatch | SeriesList,
  options: BatchOptions,
  runner: ShardRunner,
  onProgress?: (done: number, total: number) => void,
): Promise<BatchForecast> {
  const k = batch.ids.length;
  const ranges = partitionShares(seriesOffsets(batch), await runner.shardShares('forecast', k));
  const tasks = ranges.map(([from, to]) => ({ batch: sliceSeries(batch, from, to), options }));
  const parts = await runner.run<BatchForecast>(
    'forecast',
    tasks,
    ranges.map(([from, to]) => shardLabel(batch.ids.slice(from, to))),
    (done) =>
      onProgress?.(
        ranges.slice(0, done).reduce((a, [from, to]) => a + to - from, 0),
        k,
      ),
  );
  return stitch(k, options, ranges, parts);
}
