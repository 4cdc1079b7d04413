/**
 * Spreads a batch over worker threads (one per core by default). The batch is cut into chunks of
 * contiguous series, several per thread, and each worker takes the next chunk when it finishes
 * one, so that threads stay busy even when some series take much longer to fit than others;
 * results are stitched back in order. With one thread it runs in the calling thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BatchForecast, type BatchOptions, forecastBatch } from './forecast-batch.js';
import { allocateFlat, placeSeries } from './quantile-view.js';
import { type SeriesBatch, sliceBatch } from './series-batch.js';

/** Splits [0, k) into `parts` contiguous ranges of about equal total series length. */
function partition(batch: SeriesBatch, parts: number): [number, number][] {
  const k = batch.ids.length;
  const total = batch.offsets[k]!;
  const out: [number, number][] = [];
  let from = 0;
  for (let p = 1; p <= parts && from < k; p++) {
    let to = from + 1;
    const target = (total * p) / parts;
    while (to < k && batch.offsets[to]! < target) to++;
    if (p === parts) to = k;
    out.push([from, to]);
    from = to;
  }
  return out;
}

const CHUNKS_PER_THREAD = 8;

export async function forecastParallel(
  batch: SeriesBatch,
  options: BatchOptions,
  threads = availableParallelism(),
  onProgress?: (done: number, total: number) => void,
): Promise<BatchForecast> {
  const k = batch.ids.length;
  if (threads <= 1 || k < 2) return forecastBatch(batch, options, (d) => onProgress?.(d, k));
  const nThreads = Math.min(threads, k);
  const ranges = partition(batch, Math.min(k, nThreads * CHUNKS_PER_THREAD));
  const parts: BatchForecast[] = new Array(ranges.length);
  let next = 0;
  let finished = 0;
  const inChunk = new Array<number>(ranges.length).fill(0);
  const report = (): void => onProgress?.(finished + inChunk.reduce((a, b) => a + b, 0), k);
  await Promise.all(
    Array.from(
      { length: nThreads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./forecast-worker.js', import.meta.url));
          let current = -1;
          const take = (): void => {
            if (next >= ranges.length) {
              void worker.terminate();
              resolve();
              return;
            }
            current = next++;
            const [from, to] = ranges[current]!;
            worker.postMessage({ batch: sliceBatch(batch, from, to), options });
          };
          worker.on('message', (msg: { progress?: number; result?: BatchForecast; error?: string }) => {
            if (msg.progress !== undefined) {
              inChunk[current] = msg.progress;
              report();
            } else if (msg.result !== undefined) {
              parts[current] = msg.result;
              const [from, to] = ranges[current]!;
              inChunk[current] = 0;
              finished += to - from;
              report();
              take();
            } else {
              void worker.terminate();
              reject(new Error(msg.error));
            }
          });
          worker.on('error', reject);
          take();
        }),
    ),
  );
  const flat = allocateFlat(k, options.h, parts[0]!.levels);
  const models: string[] = [];
  const fallbacks = parts.flatMap((p) => p.fallbacks);
  ranges.forEach(([from], i) => {
    placeSeries(flat, from, parts[i]!);
    models.push(...parts[i]!.models);
  });
  return { h: options.h, levels: parts[0]!.levels, mean: flat.mean, quantiles: flat.quantiles, models, fallbacks };
}
