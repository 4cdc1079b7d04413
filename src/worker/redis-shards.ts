/**
 * The coordinator's side of distributed mode: a `ShardRunner` on BullMQ and Redis. Each `run` is one BullMQ flow: a
 * parent job on a queue of the run's own, waiting on one child job per shard on the shared SHARD_QUEUE, which any
 * number of `shopcast worker --redis URL` processes (shard-worker.ts) take. A shard's task travels in a Redis key of
 * its own, which the job names, as the v8 serialisation of its packed form (pack.ts: whole-number series as narrow
 * integers), and its result comes back the same way: the job's data stays a few bytes of JSON. When every child is
 * done the parent becomes processable and this process takes it: it reads the children's results, and the flow and
 * the run's keys are removed. A child that fails `attempts` times fails the parent (BullMQ's failParentOnFailure), and
 * the run with the shard's SKUs and error; a worker that dies mid-shard loses its lock and another worker's
 * stalled-job check hands the shard on; a run whose jobs vanish from Redis (a restart without persistence) fails
 * saying so.
 */
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type ShardKind, type ShardRunner, ShardError, guidedShares } from '../engine/shards.js';
import {
  SHARD_DATA_TTL_SECONDS,
  SHARD_QUEUE,
  type ShardDone,
  type ShardJob,
  redisConnection,
  redactUrl,
} from './connection.js';
import { pack, unpack } from './pack.js';

/** Options of `RedisShardRunner`. */
export interface RedisShardOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** tries per shard before it fails the run (default 3) */
  attempts?: number;
  /** stops the run: waiting shards are removed, the run fails as cancelled */
  signal?: AbortSignal;
  /**
   * fixed cost of one shard in seconds (Redis round trips, the hand-over), before a run measured it: shards are made
   * at least 20 times longer than it, so that it stays under 5 % (default 0.05)
   */
  shardOverhead?: number;
}

/** What the runner's runs cost: for the bench's overhead and efficiency figures. */
export interface ShardStats {
  runs: number;
  shards: number;
  items: number;
  /** bytes of tasks sent and of results received */
  bytesOut: number;
  bytesIn: number;
  /** seconds this process spent encoding tasks and decoding results */
  codecSeconds: number;
  /** seconds the workers spent computing the shards (decoding the task and running it), summed */
  workerSeconds: number;
  /** seconds the workers' processors held the shards, from reading the task to having written the result, summed */
  heldSeconds: number;
  /** wall-clock seconds of the runs, from adding the flow to holding every result */
  wallSeconds: number;
  /** of which: adding the flow (no shard can start before; the tasks are stored after it, as the first ones run), */
  startSeconds: number;
  /** the shards' computing, from the flow added to its parent taken (every child done), */
  computeSeconds: number;
}

/** Seconds of work per item (SKU) and shard kind on one core, before any run measured it (bench:scale, 10k shop). */
const PER_ITEM_SECONDS: Record<ShardKind, number> = { forecast: 0.01, lifecycle: 0.018, policy: 0.002 };
/** A shard's work against its fixed cost, at least: the cost stays under 5 %. */
const WORK_PER_OVERHEAD = 20;
/** How often the coordinator looks for the results of shards finished meanwhile. */
const COLLECT_MS = 100;
/** How often the coordinator checks that its run is still in Redis, and reports progress. */
const WATCH_MS = 1000;
/** How long a cancelled or failed run waits for its shards being computed before it removes its jobs. */
const ACTIVE_WAIT_MS = 60_000;

/**
 * Runs shards on the BullMQ workers connected to a Redis server.
 * @example
 * const runner = new RedisShardRunner({ url: 'redis://127.0.0.1:6379' });
 * await planWorkspace(ws, { out: 'plan', shards: runner });
 * await runner.close();
 */
export class RedisShardRunner implements ShardRunner {
  /** the one connection every queue, flow and coordinator of this runner shares (a Worker adds its blocking one) */
  private readonly connection: Redis;
  private readonly flow: FlowProducer;
  private readonly shardQueue: Queue;
  private readonly perItem = { ...PER_ITEM_SECONDS };
  /** a shard's fixed cost in seconds: the option until a run measured it (its processors' time not computing) */
  private overhead: number;
  /** cumulative figures of this runner's runs */
  readonly stats: ShardStats = {
    runs: 0,
    shards: 0,
    items: 0,
    bytesOut: 0,
    bytesIn: 0,
    codecSeconds: 0,
    workerSeconds: 0,
    heldSeconds: 0,
    wallSeconds: 0,
    startSeconds: 0,
    computeSeconds: 0,
  };

  constructor(private readonly o: RedisShardOptions) {
    this.overhead = o.shardOverhead ?? 0.05;
    const { url, ...options } = redisConnection(o.url);
    this.connection = new Redis(url, options);
    this.connection.on('error', () => {}); // Redis restarting: ioredis reconnects, each run's watch decides
    this.flow = new FlowProducer({ connection: this.connection });
    this.shardQueue = new Queue(SHARD_QUEUE, { connection: this.connection });
    // connection errors (Redis restarting): ioredis reconnects, and each run's watch decides what they mean
    this.flow.on('error', () => {});
    this.shardQueue.on('error', () => {});
  }

  /**
   * Worker slots connected now: the sum of the workers' concurrency (each names its own, shard-worker.ts).
   * @example await runner.slots() // 2
   */
  async slots(): Promise<number> {
    const clients = await this.shardQueue.getWorkers();
    return clients.reduce((a, c) => a + Number(/:w:c(\d+):/.exec(String(c['rawname'] ?? ''))?.[1] ?? 1), 0);
  }

  /**
   * Shares cut by `guidedShares`: the first shards large, the last ones small, so that the slots finish together; no
   * shard with less work than WORK_PER_OVERHEAD × the fixed cost (both measured by the previous runs).
   */
  async shardShares(kind: ShardKind, items: number): Promise<number[]> {
    const slots = await this.slots();
    if (slots === 0)
      throw new ShardError(
        `--redis: no shopcast worker is connected to ${redactUrl(this.o.url)}: start one or more with ` +
          `'shopcast worker --redis ${redactUrl(this.o.url)}' (on this machine or others)`,
      );
    return guidedShares(items, slots, Math.ceil((WORK_PER_OVERHEAD * this.overhead) / this.perItem[kind]));
  }

  async run<R>(
    kind: ShardKind,
    tasks: readonly unknown[],
    labels: readonly string[],
    onProgress?: (done: number) => void,
  ): Promise<R[]> {
    if (tasks.length === 0) return [];
    if (this.o.signal?.aborted === true) throw new ShardError(`${kind} shards: the run was cancelled`, true);
    const t0 = performance.now();
    const runId = randomUUID();
    const runQueueName = `shopcast-run-${runId}`;
    const key = (index: number, way: 'in' | 'out'): string => `shopcast-shard:${runId}:${index}:${way}`;
    const keys = tasks.flatMap((_, i) => [key(i, 'in'), key(i, 'out')]);
    const children = tasks.map((task, index) => {
      const data: ShardJob = {
        kind,
        index,
        shards: tasks.length,
        label: labels[index] ?? `shard ${index + 1}`,
        items: itemsOf(kind, task),
        input: key(index, 'in'),
        output: key(index, 'out'),
      };
      return {
        name: kind,
        queueName: SHARD_QUEUE,
        data,
        opts: {
          attempts: this.o.attempts ?? 3,
          backoff: { type: 'fixed', delay: 500 },
          failParentOnFailure: true,
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600 },
        },
      };
    });
    const runQueue = new Queue(runQueueName, { connection: this.connection });
    runQueue.on('error', () => {});
    let node: Awaited<ReturnType<FlowProducer['add']>> | undefined;
    let coordinator: Worker | undefined;
    let watch: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    // the tasks being stored (below); stopped when the run ends early, before its keys are deleted
    let storing: Promise<void> = Promise.resolve();
    let stopStoring = false;
    // the results, read as their shards finish (a result's key is written whole before its job completes), so that
    // the last shard's alone is left when the run ends
    const results: R[] = new Array(tasks.length);
    const got: boolean[] = new Array(tasks.length).fill(false);
    let seconds = 0;
    const take = (v: Buffer): void => {
      const codec = performance.now();
      this.stats.bytesIn += v.length;
      const r = unpack(deserialize(v)) as { index: number; seconds: number; result: R };
      if (!got[r.index]) {
        got[r.index] = true;
        results[r.index] = r.result;
        seconds += r.seconds;
      }
      this.stats.codecSeconds += (performance.now() - codec) / 1000;
    };
    const pending = (): number[] => got.flatMap((g, i) => (g ? [] : [i]));
    const collect = async (): Promise<void> => {
      const wanted = pending();
      if (wanted.length === 0) return;
      const check = this.connection.pipeline();
      for (const i of wanted) check.exists(key(i, 'out'));
      const found = (await check.exec()) ?? [];
      for (const [k, i] of wanted.entries()) {
        if (found[k]?.[1] !== 1) continue;
        const v = await this.connection.getBuffer(key(i, 'out'));
        if (v !== null) take(v);
      }
    };
    let collected: Promise<void> | null = null;
    let collecting: NodeJS.Timeout | undefined;
    try {
      // the flow first, then the tasks in the order the shards are taken: the first shards start while the coordinator
      // encodes the others (a processor waits for its task's key)
      node = await this.flow.add({ name: 'run', queueName: runQueueName, data: { kind }, children });
      const t = performance.now();
      this.stats.startSeconds += (t - t0) / 1000;
      storing = (async () => {
        for (const [index, task] of tasks.entries()) {
          if (stopStoring || this.o.signal?.aborted === true) return;
          const codec = performance.now();
          const bytes = serialize(pack(task));
          this.stats.codecSeconds += (performance.now() - codec) / 1000;
          this.stats.bytesOut += bytes.length;
          await this.connection.set(key(index, 'in'), bytes, 'EX', SHARD_DATA_TTL_SECONDS);
        }
      })();
      const parentId = node.job.id!;
      collecting = setInterval(() => {
        // Redis unreachable for a moment: the next tick looks again, and the run's end reads what is left
        if (collected === null)
          collected = collect()
            .catch(() => {})
            .finally(() => (collected = null));
      }, COLLECT_MS);
      const done = await new Promise<Record<string, string>>((resolve, reject) => {
        storing.catch(reject);
        // the parent job is processed here, once every child is done: its processor is the merge
        coordinator = new Worker(
          runQueueName,
          async (job) => {
            const v = (await job.getChildrenValues()) as Record<string, string>;
            resolve(v);
            return Object.keys(v).length;
          },
          { connection: this.connection, drainDelay: 1 },
        );
        coordinator.on('failed', (job, err) => {
          if (job?.id === parentId) void this.failure(err).then(reject, reject);
        });
        coordinator.on('error', () => {}); // connection errors: ioredis reconnects; the watch below decides
        onAbort = (): void => reject(new ShardError(`${kind} shards: the run was cancelled`, true));
        this.o.signal?.addEventListener('abort', onAbort, { once: true });
        watch = setInterval(() => {
          void Job.fromId(runQueue, parentId).then(
            async (parent) => {
              if (parent === undefined)
                return reject(
                  new ShardError(
                    `${kind} shards: the run's jobs are gone from Redis ${redactUrl(this.o.url)} (restarted without ` +
                      `persistence, or flushed?); nothing was written: run it again`,
                  ),
                );
              const counts = await parent.getDependenciesCount({ processed: true });
              onProgress?.(counts.processed ?? 0);
            },
            () => {}, // Redis unreachable for now: ioredis retries, the next tick looks again
          );
        }, WATCH_MS);
      });
      this.stats.computeSeconds += (performance.now() - t) / 1000;
      const held = Object.values(done).reduce((a: number, v) => a + heldOf(v), 0);
      this.stats.heldSeconds += held;
      clearInterval(collecting);
      await collected;
      const rest = pending();
      if (rest.length > 0) {
        const outputs = await this.connection.mgetBuffer(...rest.map((i) => key(i, 'out')));
        for (const v of outputs) if (v !== null) take(v);
      }
      const filled = got.filter(Boolean).length;
      if (filled !== tasks.length)
        throw new ShardError(`${kind} shards: ${tasks.length - filled} of ${tasks.length} results missing from Redis`);
      const items = children.reduce((a, c) => a + c.data.items, 0);
      this.stats.items += items;
      this.stats.workerSeconds += seconds;
      // the next cut of this kind sizes its shards from what this one cost, and every next cut from its fixed cost
      if (items > 0 && seconds > 0) this.perItem[kind] = Math.max(1e-4, seconds / items);
      if (held > seconds) this.overhead = Math.max(0.01, (held - seconds) / tasks.length);
      return results;
    } finally {
      if (watch !== undefined) clearInterval(watch);
      if (collecting !== undefined) clearInterval(collecting);
      await (collected as Promise<void> | null);
      stopStoring = true;
      await storing.catch(() => {});
      if (onAbort !== undefined) this.o.signal?.removeEventListener('abort', onAbort);
      await coordinator?.close(true).catch(() => {});
      await this.discard(node?.children?.map((c) => c.job) ?? []);
      await this.connection.del(...keys).catch(() => {});
      await runQueue.obliterate({ force: true }).catch(() => {});
      await runQueue.close().catch(() => {});
      this.stats.runs++;
      this.stats.shards += tasks.length;
      this.stats.wallSeconds += (performance.now() - t0) / 1000;
    }
  }

  /** The error of a failed run: the shard that failed for good, with its SKUs, tries and reason. */
  private async failure(err: Error): Promise<Error> {
    const id = /child [^:]+:[^:]+:(\S+) failed/.exec(err.message)?.[1];
    const child = id === undefined ? undefined : await Job.fromId<ShardJob>(this.shardQueue, id).catch(() => undefined);
    if (child === undefined) return new ShardError(`shards: the run failed: ${err.message}`);
    const d = child.data;
    return new ShardError(
      `${d.kind} shard ${d.index + 1} of ${d.shards} (${d.label}) failed ${child.attemptsMade} ` +
        `time${child.attemptsMade === 1 ? '' : 's'}: ${child.failedReason}`,
    );
  }

  /**
   * Removes a run's shards still waiting (a cancelled or failed run), then waits for those being computed to finish
   * (at most `ACTIVE_WAIT_MS`), so that nothing of the run is left in Redis when it is removed.
   */
  private async discard(jobs: Job[]): Promise<void> {
    const end = Date.now() + ACTIVE_WAIT_MS;
    let active = jobs;
    while (active.length > 0 && Date.now() < end) {
      const next: Job[] = [];
      for (const j of active) {
        const state = await this.shardQueue.getJobState(j.id!).catch(() => 'unknown');
        if (state === 'active') next.push(j);
        else if (state !== 'completed' && state !== 'unknown') await this.shardQueue.remove(j.id!).catch(() => {});
      }
      active = next;
      if (active.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Closes the Redis connections (the workers keep running). */
  async close(): Promise<void> {
    await this.flow.close().catch(() => {});
    await this.shardQueue.close().catch(() => {});
    // the shared connection is this runner's to end (BullMQ leaves a shared one open)
    this.connection.disconnect();
  }
}

/** The seconds a shard's processor held it, from the job's return value (`ShardDone`; 0 when unreadable). */
function heldOf(value: unknown): number {
  try {
    const held = (JSON.parse(String(value)) as Partial<ShardDone>).held;
    return typeof held === 'number' && Number.isFinite(held) ? held : 0;
  } catch {
    return 0;
  }
}

/** Items (SKUs) in a task, for the cost model: a forecast shard's series, a life-cycle shard's products, a policy
 * shard's SKUs. */
function itemsOf(kind: ShardKind, task: unknown): number {
  if (kind === 'forecast') return (task as { batch: { ids: unknown[] } }).batch.ids.length;
  if (kind === 'policy') return (task as { classes: unknown[] }).classes.length;
  return (task as { items: unknown[] }).items.length;
}
