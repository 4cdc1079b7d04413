/**
 * What a shard of per-SKU work does, by kind: the function a BullMQ worker (src/worker/) runs on the task a
 * `ShardRunner` sent it. A forecast shard is `forecastBatch` on its sub-batch, a life-cycle shard `classifyChunk` on
 * its products, a policy shard `skuPolicy` on each of its SKUs: the functions the single-process plan runs, so a
 * sharded plan equals a single-process one.
 */
import { type BatchForecast, type BatchOptions, forecastBatch } from '../engine/forecast-batch.js';
import type { SeriesBatch } from '../engine/series-batch.js';
import type { ShardKind } from '../engine/shards.js';
import type { StageAssessment } from '../lifecycle/stage.js';
import { type StageChunk, classifyChunk } from './lifecycle-stages.js';
import { type PolicyShard, type SkuPolicy, policyShard } from './plan-steps/steps.js';

/** A forecast shard: a sub-batch and the batch's options. */
export interface ForecastShard {
  batch: SeriesBatch;
  options: BatchOptions;
}

/**
 * Runs one shard task of `kind` in this thread and returns its result; a task of an unknown kind is an error.
 * @example runShardTask('lifecycle', { items, rules }) // StageAssessment[]
 */
export function runShardTask(kind: ShardKind, task: unknown): BatchForecast | StageAssessment[] | SkuPolicy[] {
  switch (kind) {
    case 'forecast': {
      const t = task as ForecastShard;
      return forecastBatch(t.batch, t.options);
    }
    case 'lifecycle':
      return classifyChunk(task as StageChunk);
    case 'policy':
      return policyShard(task as PolicyShard);
    default:
      throw new Error(`shard: unknown kind '${String(kind)}' (a worker older or newer than the coordinator?)`);
  }
}
