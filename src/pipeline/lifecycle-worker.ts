/** Worker thread entry of `classifyStages`: classifies the chunk it is sent and posts the assessments back. */
import { parentPort } from 'node:worker_threads';
import { type StageChunk, classifyChunk } from './lifecycle-stages.js';

parentPort!.on('message', (msg: StageChunk) => {
  try {
    parentPort!.postMessage({ result: classifyChunk(msg) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
