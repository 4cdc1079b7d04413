/**
 * BullMQ's sandboxed processor of a shard (shard-worker.ts starts it in a worker thread, so the worker's main thread
 * stays free to renew the job's lock while the shard is computed): decodes the task, runs it (pipeline/shard-tasks.ts)
 * and returns the encoded result with its index and the seconds it took.
 */
import { deserialize, serialize } from 'node:v8';
import type { ShardKind } from '../engine/shards.js';
import { runShardTask } from '../pipeline/shard-tasks.js';

/** Runs one shard job; its return value is what the coordinator's parent job reads back. */
export default async function processShard(job: {
  data: { kind: ShardKind; index: number; payload: string };
}): Promise<string> {
  const t0 = performance.now();
  const task = deserialize(Buffer.from(job.data.payload, 'base64'));
  const result = runShardTask(job.data.kind, task);
  const seconds = (performance.now() - t0) / 1000;
  return serialize({ index: job.data.index, seconds, result }).toString('base64');
}
