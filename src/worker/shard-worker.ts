/**
 * `shopcast worker --redis URL`: a BullMQ worker taking shards of per-SKU work (forecasts, life-cycle stages, stock
 * policies) from SHARD_QUEUE. Each shard runs in a sandboxed worker thread (shard-processor.ts); `concurrency` of them
 * at once (default one per core). Start any number of workers on any machines that reach the Redis server.
 */
import { availableParallelism, hostname } from 'node:os';
import { Worker } from 'bullmq';
import { InputError } from '../data/errors.js';
import { SHARD_QUEUE, type ShardProcessorData, redisConnection } from './connection.js';

/** Options of `startShardWorker`. */
export interface ShardWorkerOptions {
  url: string;
  /** shards computed at once (default: one per core) */
  concurrency?: number;
  /**
   * seconds without a lock renewal after which a shard counts as stalled and another worker takes it (default 30):
   * how long a killed worker's shard waits
   */
  stallSeconds?: number;
  /** called when a shard starts, finishes or fails (the CLI's log) */
  onShard?: (e: {
    kind: string;
    index: number;
    shards: number;
    event: 'started' | 'done' | 'failed';
    error?: string;
  }) => void;
}

/** A running worker. */
export interface ShardWorker {
  /** its BullMQ name: `c<concurrency>:<host>:<pid>` (the coordinator reads the concurrency from it) */
  readonly name: string;
  /** finishes the shards it holds, then disconnects */
  close(): Promise<void>;
}

const PROCESSOR = new URL('./shard-processor.js', import.meta.url);

/**
 * Starts a worker; it runs until `close()`.
 * @example const w = await startShardWorker({ url: 'redis://127.0.0.1:6379' }); … await w.close();
 */
export async function startShardWorker(o: ShardWorkerOptions): Promise<ShardWorker> {
  const concurrency = o.concurrency ?? availableParallelism();
  if (!(Number.isInteger(concurrency) && concurrency >= 1))
    throw new InputError(`worker: concurrency must be a whole number ≥ 1, got ${concurrency}`, {
      field: 'concurrency',
    });
  const stall = o.stallSeconds ?? 30;
  if (!(stall >= 1)) throw new InputError(`worker: stallSeconds must be ≥ 1, got ${stall}`, { field: 'stallSeconds' });
  const name = `c${concurrency}:${hostname()}:${process.pid}`;
  const worker = new Worker(SHARD_QUEUE, PROCESSOR, {
    connection: redisConnection(o.url),
    concurrency,
    useWorkerThreads: true,
    // the processor's thread reads and writes the shards' bytes on a connection of its own
    workerThreadsOptions: { workerData: { redisUrl: o.url } satisfies ShardProcessorData },
    name,
    lockDuration: stall * 1000,
    stalledInterval: stall * 1000,
    maxStalledCount: 1,
  });
  worker.on('active', (job) =>
    o.onShard?.({ kind: job.data.kind, index: job.data.index, shards: job.data.shards, event: 'started' }),
  );
  worker.on('completed', (job) =>
    o.onShard?.({ kind: job.data.kind, index: job.data.index, shards: job.data.shards, event: 'done' }),
  );
  worker.on('failed', (job, err) =>
    o.onShard?.({
      kind: job?.data.kind ?? '?',
      index: job?.data.index ?? -1,
      shards: job?.data.shards ?? 0,
      event: 'failed',
      error: err.message,
    }),
  );
  worker.on('error', () => {}); // connection errors: ioredis reconnects
  await worker.waitUntilReady();
  return { name, close: () => worker.close() };
}
