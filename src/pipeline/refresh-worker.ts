/** Worker thread entry of live refreshes: runs the chunk it is sent (`refreshChunk`) and posts the result back. */
import { parentPort } from 'node:worker_threads';
import { type RefreshChunk, refreshChunk, transferables } from './refresh-chunk.js';

parentPort!.on('message', (msg: RefreshChunk) => {
  refreshChunk(msg).then(
    (result) => parentPort!.postMessage({ result }, transferables(result)),
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
});
