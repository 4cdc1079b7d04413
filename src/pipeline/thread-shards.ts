/**
 * A `ShardRunner` on worker threads of this process: the shards a plan cuts for BullMQ workers (`plan --redis`) run
 * here on `threads` threads instead, each task by `runShardTask` as a BullMQ worker runs it, the results in the order
 * of the tasks. For per-SKU steps that would otherwise run on the main thread alone (the stock policies): a plan of
 * 100,000 SKUs spent 40–50 s there on one core of two (bench/RESULTS.md, issue #22).
 */
import { ForecastPool, runTask } from '../engine/parallel-forecast.js';
import { type ShardKind, type ShardRunner, ShardError, equalShares } from '../engine/shards.js';

const WORKER = new URL('./shard-thread-worker.js', import.meta.url);
/**
 * Shards per thread: a slow shard then leaves the other threads the rest, and each shard's copy of its inputs (sent to
 * its worker, two in flight with two threads) stays small: a 100,000-SKU plan's series are 1.1 GB.
 */
const SHARDS_PER_THREAD = 16;

/** A ShardRunner on `threads` worker threads, and `close()`, which ends them. */
export interface ThreadShardRunner extends ShardRunner {
  close(): Promise<void>;
}

/**
 * Runs shard tasks on `threads` (≥ 1) worker threads, started as the first tasks come and ended by `close()`.
 * @example
 * const runner = threadShardRunner(2);
 * try { r = await policyStepSharded(inputs, fc, stageOf, o, runner); } finally { await runner.close(); }
 */
export function threadShardRunner(threads: number): ThreadShardRunner {
  const pool = new ForecastPool(threads, WORKER);
  return {
    shardShares: (_kind: ShardKind, items: number) =>
      Promise.resolve(equalShares(Math.min(items, threads * SHARDS_PER_THREAD))),
    async run<R>(
      kind: ShardKind,
      tasks: readonly unknown[],
      labels: readonly string[],
      onProgress?: (done: number) => void,
    ) {
      let done = 0;
      return Promise.all(
        tasks.map(async (task, i) => {
          const worker = await pool.acquire();
          let broken = true;
          try {
            const r = await runTask<R>(worker, { kind, task });
            broken = false;
            onProgress?.(++done);
            return r;
          } catch (e) {
            throw new ShardError(
              `${kind} shard ${i + 1} of ${tasks.length} (${labels[i]}) failed: ${(e as Error).message}`,
            );
          } finally {
            pool.release(worker, broken);
          }
        }),
      );
    },
    close: () => pool.close(),
  };
}
