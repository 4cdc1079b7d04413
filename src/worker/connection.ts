/** The Redis connection and queue names shared by the coordinator (redis-shards.ts) and the workers. */
import { InputError } from '../data/errors.js';

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
