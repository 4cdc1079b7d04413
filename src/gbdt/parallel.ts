/**
 * Trains several boosters on one data set with worker threads (one per core by default): the
 * features, targets and weights are moved once into shared memory, each worker takes the next
 * model when it finishes one (give the longest first), and the boosters come back in order.
 * With one thread, or one model, it trains in the calling thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Booster, type Dataset, type TrainOptions, boosterFromJson, train } from './learner.js';

function shared<T extends Float32Array | Float64Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function shareDataset(d: Dataset): Dataset {
  return { ...d, X: shared(d.X), y: shared(d.y), ...(d.weight === undefined ? {} : { weight: shared(d.weight) }) };
}

export async function trainMany(
  data: Dataset,
  jobs: TrainOptions[],
  valid?: Dataset,
  threads = availableParallelism(),
): Promise<Booster[]> {
  const nThreads = Math.min(Math.max(1, Math.trunc(threads)), jobs.length);
  if (nThreads <= 1) return jobs.map((o) => train(data, o, valid));
  const workerData = { data: shareDataset(data), ...(valid === undefined ? {} : { valid: shareDataset(valid) }) };
  const out = new Array<Booster>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from(
      { length: nThreads },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./train-worker.js', import.meta.url), { workerData });
          const take = (): void => {
            if (next >= jobs.length) {
              void worker.terminate();
              resolve();
              return;
            }
            const index = next++;
            worker.postMessage({ index, options: jobs[index] });
          };
          worker.on('message', (m: { index: number; booster?: string; error?: string }) => {
            if (m.error !== undefined) {
              void worker.terminate();
              reject(new Error(m.error));
              return;
            }
            out[m.index] = boosterFromJson(m.booster!);
            take();
          });
          worker.on('error', reject);
          take();
        }),
    ),
  );
  return out;
}
