/** The Redis connection and queue names shared by the coordinator (redis-shards.ts) and the workers. */
import { InputError } from '../data/errors.js';
import type { ShardKind } from '../engine/shards.js';

/**
 * The BullMQ queue every worker takes shards from.
 * @example new Queue(SHARD_QUEUE, { connection: redisConnection(url) }).getWaitingCount()
 */
export const SHARD_QUEUE = 'shopcast-shards';

/**
 * BullMQ connection options for a `redis://` or `rediss://` URL; a malformed URL is an InputError naming `--redis`.
 * `maxRetriesPerRequest: null`: a command waits through a Redis restart instead of failing (BullMQ's advice for
 * workers).
 * @example redisConnection('redis://127.0.0.1:6379') // { url: 'redis://127.0.0.1:6379', maxRetriesPerRequest: null }
 */
export function redisConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--redis: '${url}' is not a URL (e.g. redis://127.0.0.1:6379)`, { field: 'redis' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new InputError(`--redis: '${redactUrl(url)}' must start with redis:// or rediss://`, { field: 'redis' });
  return { url, maxRetriesPerRequest: null };
}

/**
 * The URL without its password, for messages and logs.
 * @example redactUrl('redis://u:secret@host:6379') // 'redis://u:***@host:6379'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(malformed URL)';
  }
}

/** How long a shard's task and result bytes stay in Redis at most (a run deletes its own as it ends). */
export const SHARD_DATA_TTL_SECONDS = 24 * 3600;

/** A shard job's data: what it is, and the Redis keys of its task's bytes and of its result's. */
export interface ShardJob {
  kind: ShardKind;
  index: number;
  shards: number;
  /** the shard's SKUs, for errors */
  label: string;
  items: number;
  /** the key holding the task (v8 serialisation) */
  input: string;
  /** the key the result is written to (v8 serialisation of { index, seconds, result }) */
  output: string;
}

/** What a shard job returns (its parent reads it): the seconds its processor held it, task read to result written. */
export interface ShardDone {
  held: number;
}

/** What a shard processor's thread is started with (`workerData`). */
export interface ShardProcessorData {
  redisUrl: string;
}
