/** Worker thread entry of `threadShardRunner`: runs the shard task it is sent (`runShardTask`) and posts the result. */
import { parentPort } from 'node:worker_threads';
import type { ShardKind } from '../engine/shards.js';
import { runShardTask } from './shard-tasks.js';

parentPort!.on('message', (msg: { kind: ShardKind; task: unknown }) => {
  try {
    parentPort!.postMessage({ result: runShardTask(msg.kind, msg.task) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
