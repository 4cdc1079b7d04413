/**
 * The ingest job's worker thread: stages one file (`stageCsvFile`: reads it, checks every row, writes the good and
 * the rejected rows as CSV files) off the main thread, posting the bytes read now and then. Everything it needs
 * travels in `workerData` (StageTask); it writes only the staging files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { stageCsvFile } from '../data/stage-file.js';
import { workerError } from './job-worker.js';
import type { StageProgress, StageTask } from './ingest-job.js';

const task = workerData as StageTask;
let last = 0;

stageCsvFile(task.path, task.outPrefix, {
  ...task.options,
  onProgress: (read, total) => {
    const now = performance.now();
    if (now - last < 100 && read < total) return;
    last = now;
    parentPort!.postMessage({ progress: { read, total } satisfies StageProgress });
  },
}).then(
  (result) => parentPort!.postMessage({ result }),
  (e: unknown) => parentPort!.postMessage(workerError(e)),
);
