/**
 * The launch model's worker thread: trains it (launch/model.ts `trainLaunchModel`) off the main thread, from the
 * shop history that travels in `workerData` (LaunchTrainTask), and posts the model as JSON (`launchModelToJson`).
 * No DuckDB here: the caller reads the history and stores the model.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { launchContext, launchModelToJson, trainLaunchModel } from '../launch/model.js';
import { workerError } from './job-worker.js';
import type { LaunchTrainTask } from './launch.js';

const task = workerData as LaunchTrainTask;
try {
  const model = trainLaunchModel(launchContext(task.history), task.weeks, task.history.days - 1, task.levels);
  parentPort!.postMessage({ result: launchModelToJson(model) });
} catch (e) {
  parentPort!.postMessage(workerError(e));
}
