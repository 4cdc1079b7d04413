/**
 * A worker thread of a file's staging in blocks (stage-blocks.ts): reads each block it is sent with the reading's
 * settings (`workerData`) and posts the result back; it writes no file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LineWriter } from './line-writer.js';
import { type BlockInit, type BlockTask, stageBlock } from './stage-blocks.js';

const init = workerData as BlockInit;
/** a buffer that is all of its memory can be handed over instead of copied */
const own = (b: Uint8Array): ArrayBuffer[] =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : [];

const good = new LineWriter();
const rejects = new LineWriter();

parentPort!.on('message', (task: BlockTask) => {
  const r = stageBlock(init, task, good, rejects);
  parentPort!.postMessage(r, [...own(r.good), ...own(r.rejects)]);
});
