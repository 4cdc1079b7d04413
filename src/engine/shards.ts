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
   * How `items` items of `kind` are cut into shards: each shard's share of the work, in the order the shards are
   * given to `run` (which starts them in that order), summing to 1. Enough shards for every worker to stay busy to
   * the end, few enough that each shard's fixed cost stays small next to its work.
   */
  shardShares(kind: ShardKind, items: number): Promise<number[]>;
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
 * `parts` equal shares (at least one).
 * @example equalShares(4) // [0.25, 0.25, 0.25, 0.25]
 */
export function equalShares(parts: number): number[] {
  const p = Math.max(1, Math.floor(parts));
  return Array.from({ length: p }, () => 1 / p);
}

/**
 * Guided self-scheduling (Polychronopoulos & Kuck, 1987), as factoring (Hummel, Schonberg & Flynn, 1992) halves it:
 * shards taken in order by `slots` workers, each holding half of the items left divided by the slots, and at least
 * `minItems` (the rest in the last when less would be left). The first shards are large and the last small, so the
 * slots run out of work together: with equal shards the slots that finish first wait for the last shard, about half a
 * shard each at every run's end. Shares of the items, summing to 1. O(shards): about 2 × slots × ln(items / (2 × slots
 * × minItems)) + 1.
 * @example guidedShares(100, 2, 10) // [0.25, 0.19, 0.14, 0.11, 0.1, 0.1, 0.11]
 */
export function guidedShares(items: number, slots: number, minItems: number): number[] {
  if (items <= 0) return [1];
  const least = Math.max(1, Math.ceil(minItems));
  const out: number[] = [];
  let left = items;
  while (left > 0) {
    let size = Math.max(least, Math.ceil(left / (2 * Math.max(1, slots))));
    if (left - size < least) size = left;
    out.push(size / items);
    left -= size;
  }
  return out;
}

/**
 * [from, to) ranges cutting `n` items into contiguous shards of the given shares (summing to 1), none empty: a share
 * too small for an item of its own is merged into the next shard.
 * @example shareRanges(10, [0.4, 0.3, 0.3]) // [[0, 4], [4, 7], [7, 10]]
 */
export function shareRanges(n: number, shares: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let cumulative = 0;
  for (let k = 0; k < shares.length && from < n; k++) {
    cumulative += shares[k]!;
    const to = k === shares.length - 1 ? n : Math.min(n, Math.round(cumulative * n));
    if (to <= from) continue;
    out.push([from, to]);
    from = to;
  }
  return out;
}

/**
 * Names a shard's SKUs for an error: `SKUs A … Z (40)`, or the one SKU.
 * @example shardLabel(['a', 'b', 'c']) // 'SKUs a … c (3)'
 */
export function shardLabel(ids: readonly string[]): string {
  if (ids.length === 1) return `SKU ${ids[0]}`;
  return `SKUs ${ids[0]} … ${ids[ids.length - 1]} (${ids.length})`;
}
