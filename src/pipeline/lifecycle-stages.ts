/**
 * Classifies many products' life-cycle stages (`classifyStage`) on worker threads: each product's stage is a pure
 * function of its weekly demand, the rules and its prior, so the chunks' results are those of one thread, in order.
 * Few products (or one thread) are classified in the calling thread.
 */
import { availableParallelism } from 'node:os';
import type { BassPrior } from '../lifecycle/curves.js';
import { type StageAssessment, type StageRules, classifyStage } from '../lifecycle/stage.js';
import { ForecastPool, runTask } from '../engine/parallel-forecast.js';
import { type ShardRunner, shardLabel, shareRanges } from '../engine/shards.js';

/** One product to classify: its weekly units, whether they cover its launch, its Bass prior (young products). */
export interface StageItem {
  y: Float64Array;
  coversLaunch: boolean;
  prior?: BassPrior | undefined;
}

/** What the worker is sent: a chunk of products and the rules. */
export interface StageChunk {
  items: StageItem[];
  rules: StageRules;
}

/** Classifies a chunk in this thread (what the worker runs). */
export function classifyChunk(c: StageChunk): StageAssessment[] {
  return c.items.map((s) => classifyStage(s.y, s.coversLaunch, c.rules, s.prior));
}

const WORKER = new URL('./lifecycle-worker.js', import.meta.url);
/** Below this many products a thread's start-up costs more than it saves. */
const MIN_PARALLEL = 64;
const CHUNKS_PER_THREAD = 6;

/**
 * Every item's stage assessment, in order, on `threads` worker threads (default: one per core), or as shards on
 * `shards` (BullMQ workers) when given. `labels[i]` names item i in a failed shard's error.
 * @example const [a] = await classifyStages([{ y, coversLaunch: true }], DEFAULT_STAGE_RULES); a.stage;
 */
export async function classifyStages(
  items: StageItem[],
  rules: StageRules,
  threads = availableParallelism(),
  shards?: { runner: ShardRunner; labels: readonly string[] },
): Promise<StageAssessment[]> {
  if (shards !== undefined && items.length > 0) {
    const ranges = shareRanges(items.length, await shards.runner.shardShares('lifecycle', items.length));
    const parts = await shards.runner.run<StageAssessment[]>(
      'lifecycle',
      ranges.map(([from, to]): StageChunk => ({ items: items.slice(from, to), rules })),
      ranges.map(([from, to]) => shardLabel(shards.labels.slice(from, to))),
    );
    return parts.flat();
  }
  if (threads <= 1 || items.length < MIN_PARALLEL) return classifyChunk({ items, rules });
  const chunks = Math.min(items.length, threads * CHUNKS_PER_THREAD);
  const size = Math.ceil(items.length / chunks);
  const pool = new ForecastPool(threads, WORKER);
  try {
    const parts = await Promise.all(
      Array.from({ length: Math.ceil(items.length / size) }, async (_, k) => {
        const worker = await pool.acquire();
        let broken = true;
        try {
          const chunk: StageChunk = { items: items.slice(k * size, (k + 1) * size), rules };
          const r = await runTask<StageAssessment[]>(worker, chunk);
          broken = false;
          return r;
        } finally {
          pool.release(worker, broken);
        }
      }),
    );
    return parts.flat();
  } finally {
    await pool.close();
  }
}
