/**
 * BullMQ's sandboxed processor of a shard (shard-worker.ts starts it in a worker thread, so the worker's main thread
 * stays free to renew the job's lock while the shard is computed): reads the task's bytes from their Redis key
 * (`ShardJob.input`; the coordinator adds the shards first and stores their tasks just after, so it may wait for it),
 * runs it (pipeline/shard-tasks.ts) and writes the result's bytes to `ShardJob.output`, both as the v8 serialisation
 * of their packed form (pack.ts). The bytes travel as they are: through the job's data they were base64 inside JSON,
 * which BullMQ stringified and parsed again on every hand-over (coordinator, Redis, the worker's thread, this one).
 */
import { deserialize, serialize } from 'node:v8';
import { workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { runShardTask } from '../pipeline/shard-tasks.js';
import {
  SHARD_DATA_TTL_SECONDS,
  type ShardDone,
  type ShardJob,
  type ShardProcessorData,
  redisConnection,
} from './connection.js';
import { pack, unpack } from './pack.js';

let client: Redis | undefined;

/** This thread's connection (the worker passes its URL as the thread's data), opened on the first shard. */
function redis(): Redis {
  if (client === undefined) {
    const url = (workerData as Partial<ShardProcessorData> | null)?.redisUrl;
    if (url === undefined) throw new Error('shard processor: started without the Redis URL (workerData.redisUrl)');
    const { url: u, ...options } = redisConnection(url);
    client = new Redis(u, options);
    client.on('error', () => {}); // Redis restarting: ioredis reconnects, the command waits
  }
  return client;
}

/** How long a shard waits for its task's bytes: the coordinator stores them just after adding the shards, in order. */
const TASK_WAIT_MS = 60_000;

/** The task's bytes, once the coordinator has stored them (module comment); an error after TASK_WAIT_MS. */
async function taskBytes(key: string, index: number): Promise<Buffer> {
  const until = Date.now() + TASK_WAIT_MS;
  for (let pause = 2; ; pause = Math.min(50, 2 * pause)) {
    const bytes = await redis().getBuffer(key);
    if (bytes !== null) return bytes;
    if (Date.now() > until)
      throw new Error(
        `shard ${index + 1}: its task is not in Redis (key ${key}): the plan stopped, or Redis was flushed or ` +
          `restarted`,
      );
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Runs one shard job; its return value (`ShardDone` as JSON: the seconds from reading the task to having written the
 * result) is what the coordinator's parent job reads back.
 */
export default async function processShard(job: { data: ShardJob }): Promise<string> {
  const start = performance.now();
  const { kind, index, input, output } = job.data;
  if (input === undefined || output === undefined)
    throw new Error(`shard ${index + 1}: no task key in the job (a coordinator older or newer than this worker?)`);
  const bytes = await taskBytes(input, index);
  const t0 = performance.now();
  const task = unpack(deserialize(bytes));
  const result = runShardTask(kind, task);
  const seconds = (performance.now() - t0) / 1000;
  await redis().set(output, serialize(pack({ index, seconds, result })), 'EX', SHARD_DATA_TTL_SECONDS);
  return JSON.stringify({ held: (performance.now() - start) / 1000 } satisfies ShardDone);
}
