/** Worker thread of `trainMany`: trains the boosters it is sent on the shared data set. */
import { parentPort, workerData } from 'node:worker_threads';
import { type Dataset, type TrainOptions, boosterToJson, train } from './learner.js';

interface Shared {
  data: Dataset;
  valid?: Dataset;
}

const { data, valid } = workerData as Shared;
parentPort!.on('message', (m: { index: number; options: TrainOptions }) => {
  try {
    parentPort!.postMessage({ index: m.index, booster: boosterToJson(train(data, m.options, valid)) });
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.message : String(e) });
  }
});
