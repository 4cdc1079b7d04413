/**
 * Distributed mode (`shopcast/worker`): the BullMQ coordinator (`RedisShardRunner`, passed to `planWorkspace` as
 * `shards`) and the worker (`startShardWorker`, what `shopcast worker --redis URL` runs).
 */
export { RedisShardRunner, type RedisShardOptions, type ShardStats } from './redis-shards.js';
export { startShardWorker, type ShardWorker, type ShardWorkerOptions } from './shard-worker.js';
export { SHARD_QUEUE, redactUrl } from './connection.js';
