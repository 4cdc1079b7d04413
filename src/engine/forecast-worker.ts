/** Worker thread entry: forecasts the sub-batch it is sent and posts the result back. */
import { parentPort } from 'node:worker_threads';
import { type BatchOptions, forecastBatch } from './forecast-batch.js';
import type { SeriesBatch } from './series-batch.js';

parentPort!.on('message', (msg: { batch: SeriesBatch; options: BatchOptions }) => {
  try {
    const out = forecastBatch(msg.batch, msg.options, (done) => parentPort!.postMessage({ progress: done }));
    parentPort!.postMessage({ result: out }, [out.mean.buffer as ArrayBuffer, out.quantiles.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
