/**
 * Spreads a batch over worker threads (one per core by default): contiguous chunks of about
 * equal total length, each forecast in its own thread, results stitched back in order. With
 * one thread it runs in the calling thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BatchForecast, type BatchOptions, forecastBatch } from './forecast-batch.js';
import { type SeriesBatch, sliceBatch } from './series-batch.js';

export function defaultThreads(): number {
  return availableParallelism();
}

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

export async function forecastParallel(
  batch: SeriesBatch,
  options: BatchOptions,
  threads = defaultThreads(),
  onProgress?: (done: number, total: number) => void,
): Promise<BatchForecast> {
  const k = batch.ids.length;
  if (threads <= 1 || k < 2) return forecastBatch(batch, options, (d) => onProgress?.(d, k));
  const ranges = partition(batch, Math.min(threads, k));
  const done = new Array<number>(ranges.length).fill(0);
  const parts = await Promise.all(
    ranges.map(
      ([from, to], w) =>
        new Promise<BatchForecast>((resolve, reject) => {
          const worker = new Worker(new URL('./forecast-worker.js', import.meta.url));
          worker.on('message', (msg: { progress?: number; result?: BatchForecast; error?: string }) => {
            if (msg.progress !== undefined) {
              done[w] = msg.progress;
              onProgress?.(done.reduce((a, b) => a + b, 0), k);
            } else if (msg.result !== undefined) {
              resolve(msg.result);
              void worker.terminate();
            } else {
              reject(new Error(msg.error));
              void worker.terminate();
            }
          });
          worker.on('error', reject);
          worker.postMessage({ batch: sliceBatch(batch, from, to), options });
        }),
    ),
  );
  const h = options.h;
  const L = options.levels.length;
  const mean = new Float64Array(k * h);
  const quantiles = new Float64Array(k * L * h);
  const models: string[] = [];
  const fallbacks = parts.flatMap((p) => p.fallbacks);
  ranges.forEach(([from], i) => {
    mean.set(parts[i]!.mean, from * h);
    quantiles.set(parts[i]!.quantiles, from * L * h);
    models.push(...parts[i]!.models);
  });
  return { h, levels: parts[0]!.levels, mean, quantiles, models, fallbacks };
}
