/**
 * Per-SKU work spread beyond this process. A `ShardRunner` takes a list of shard tasks of one kind (each a slice of
 * SKUs: a forecast sub-batch, a chunk of life-cycle classifications) and gives back their results in order, wherever
 * it ran them; the plan's steps cut their work into shards with `shardCount` and stitch the results as they do for
 * worker threads. Each SKU's result is a function of its own data only, so the results are those of one process
 * whatever the cut. The embedded default is worker threads (parallel-forecast.ts); `shopcast plan --redis` runs the
 * shards on BullMQ workers (src/worker/).
 */

/**
 * A distributed run that could not complete: a shard failed for good, no worker is connected, the run's jobs vanished
 * from Redis, or it was cancelled (`cancelled`). Not a bug of shopcast: the CLI says it without "internal error".
 * @example throw new ShardError('forecast shard 2 of 8 (SKUs A … K (40)) failed 3 times: …');
 */
export class ShardError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'ShardError';
  }
}

/** The kinds of per-SKU work a shard holds (pipeline/shard-tasks.ts runs each): forecasts, stages, stock policies. */
export type ShardKind = 'forecast' | 'lifecycle' | 'policy';

/** Runs shards somewhere else (other processes, other machines). */
export interface ShardRunner {
  /**
   * How many shards `items` items of `kind` are cut into: enough for every worker to stay busy, few enough that each
   * shard's fixed cost stays small next to its work.
   */
  shardCount(kind: ShardKind, items: number): Promise<number>;
  /**
   * Runs every task, each shard's result in the order of `tasks`. `labels[i]` names task i's SKUs in errors (a shard
   * that fails for good fails the run with its SKUs and its error). `onProgress(done)`: shards finished so far.
   */
  run<R>(
    kind: ShardKind,
    tasks: readonly unknown[],
    labels: readonly string[],
    onProgress?: (done: number) => void,
  ): Promise<R[]>;
}

/**
 * [from, to) ranges cutting `n` items into `parts` contiguous shards of sizes differing by at most one.
 * @example shardRanges(10, 3) // [[0, 4], [4, 7], [7, 10]]
 */
export function shardRanges(n: number, parts: number): [number, number][] {
  const p = Math.max(1, Math.min(n, Math.floor(parts)));
  const out: [number, number][] = [];
  for (let k = 0; k < p; k++) out.push([Math.floor((k * n) / p), Math.floor(((k + 1) * n) / p)]);
  return n === 0 ? [] : out;
}

/**
 * Names a shard's SKUs for an error: `SKUs A … Z (40)`, or the one SKU.
 * @example shardLabel(['a', 'b', 'c']) // 'SKUs a … c (3)'
 */
export function shardLabel(ids: readonly string[]): string {
  if (ids.length === 1) return `SKU ${ids[0]}`;
  return `SKUs ${ids[0]} … ${ids[ids.length - 1]} (${ids.length})`;
}
