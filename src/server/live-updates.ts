/**
 * Keeps forecasts current as order lines arrive. Posted batches are stored by group commit: the batches posted while
 * the writer is busy wait, and the next turn of the writer lock stores them all in one transaction
 * (`postOrderBatches`: each batch checked on its own and all or nothing, a bad one refused alone; their derived tables
 * are cleaned later); each POST is answered once its group is committed, and the SKUs wait for the next cycle. A
 * cycle cleans the SKUs of every batch stored since the last one (one scoped rebuild under the lock:
 * `cleanOrderSkus`) and re-forecasts them (`refreshSkus`: forecasts, inventory positions, stock-out dates, order
 * suggestions, stock-out alerts), reading through a connection of its own (committed data) and fitting outside the
 * lock, which it takes again for the write alone. The lock serves its callers in turn, and at most one group waits
 * for it at a time, so posts and cycles alternate: neither starves. Bursts coalesce: while a cycle runs, the SKUs of
 * new batches wait, and the next cycle takes them all. Each cycle publishes `forecast.updated` naming its SKUs and
 * the batches it covers (after the cached answers of its SKUs are computed anew: a client told of the update reads
 * it), and `alert.raised` for each new or escalated alert; when the last day of data moved, the
 * forecasts are monitored against what sold (`monitorForecasts`).
 * Crash safety: a batch is stored with the workspace marked stale, so a crash before its cycle ends leaves a
 * workspace the next start rebuilds whole; `pendingAfterRestart` then names the SKUs to refresh.
 * A resource, hence a class.
 */
import { performance } from 'node:perf_hooks';
import type { EventLog } from '../pipeline/events.js';
import { monitorForecasts } from '../pipeline/monitor.js';
import {
  type OrderBatchResult,
  type OrderLineInput,
  cleanOrderSkus,
  postOrderBatches,
} from '../pipeline/order-batch.js';
import { refreshSkus, skusBehindTheirData } from '../pipeline/refresh.js';
import type { WriteLock } from '../pipeline/write-lock.js';
import type { Workspace } from '../store/workspace.js';

export /** A posted batch waiting for its group. */
interface Posted {
  lines: readonly OrderLineInput[];
  t0: number;
  resolve: (r: OrderBatchResult) => void;
  reject: (e: unknown) => void;
}

export interface LiveUpdatesOptions {
  ws: Workspace;
  lock: WriteLock;
  events: EventLog;
  /**
   * called with the SKUs whose data changed, once the change is committed (the answers' cache); a cycle publishes its
   * `forecast.updated` once what this returns is settled (the cached answers of its SKUs computed anew)
   */
  onChanged: (skus: readonly string[] | 'all') => void | Promise<void>;
  /** seconds from a batch's arrival to the forecast update that covers it (for /metrics) */
  onLag: (seconds: number) => void;
  /** each cycle's SKUs and the seconds of its steps (for /metrics) */
  onCycle?: (skus: number, seconds: Readonly<Record<string, number>>) => void;
  /** errors of a background cycle (the server logs them) */
  onError: (e: unknown) => void;
}

/** What a cycle's clean gives its re-forecast: the batches it covers, its seconds, and its error when it failed. */
interface Cleaned {
  batches: { id: number; t0: number }[];
  seconds: number;
  error?: unknown;
}

export class LiveUpdates {
  /** SKUs stored but not cleaned yet */
  private readonly toClean = new Set<string>();
  /** SKUs cleaned (or changed otherwise) but not re-forecast yet */
  private readonly toRefresh = new Set<string>();
  private batches: { id: number; t0: number }[] = [];
  /** batches posted and not stored yet: the next group */
  private posted: Posted[] = [];
  /** a group is waiting for the lock or being stored */
  private storing = false;
  private running: Promise<void> | null = null;
  private lastAsOf: string | null = null;
  private closed = false;
  /** the cycles' own connection for the re-forecast's reads (opened on first use; a stream must not share one) */
  private reader: Promise<Workspace> | null = null;

  constructor(private readonly o: LiveUpdatesOptions) {}

  /**
   * Checks and stores a batch of order lines (all or nothing; an InputError names the bad line) with the others
   * posted meanwhile (group commit), and queues its SKUs for the next cycle; resolves once its group is stored, before
   * it is re-forecast.
   */
  postBatch(lines: readonly OrderLineInput[]): Promise<OrderBatchResult> {
    return new Promise<OrderBatchResult>((resolve, reject) => {
      this.posted.push({ lines, t0: performance.now(), resolve, reject });
      this.storeGroup();
    });
  }

  /** Asks the lock for a turn that stores every batch posted by then, unless one is already waiting. */
  private storeGroup(): void {
    if (this.storing || this.posted.length === 0) return;
    this.storing = true;
    void this.o.lock
      .run(async () => {
        const group = this.posted;
        this.posted = [];
        try {
          const outcomes = await postOrderBatches(
            this.o.ws,
            group.map((p) => p.lines),
          );
          // inside the lock: a cycle's clean (also under the lock) always sees every SKU and batch stored before it
          outcomes.forEach((out, k) => {
            if (!out.ok || out.result.lines_new === 0) return;
            for (const s of out.result.skus) this.toClean.add(s);
            this.batches.push({ id: out.result.batch_id, t0: group[k]!.t0 });
          });
          return { group, outcomes };
        } catch (e) {
          for (const p of group) p.reject(e);
          return { group, outcomes: [] };
        }
      })
      .then(({ group, outcomes }) => {
        outcomes.forEach((out, k) => {
          const p = group[k]!;
          if (!out.ok) return p.reject(out.error);
          const r = out.result;
          this.o.events
            .publish('batch.stored', { batch_id: r.batch_id, lines: r.lines, lines_new: r.lines_new, skus: r.skus })
            .catch(this.o.onError);
          p.resolve(r);
        });
        this.kick();
      })
      .catch(this.o.onError)
      .finally(() => {
        this.storing = false;
        this.storeGroup();
      });
  }

  /**
   * Queues SKUs whose raw rows changed outside an order batch (a stock snapshot: call it under the writer's lock, as
   * the rows are stored) for a clean and a re-forecast.
   */
  clean(skus: readonly string[]): void {
    for (const s of skus) this.toClean.add(s);
    this.kick();
  }

  /** Queues SKUs for a re-forecast (their clean data changed some other way, e.g. after a restart). */
  refresh(skus: readonly string[]): void {
    for (const s of skus) this.toRefresh.add(s);
    this.kick();
  }

  /** Queues, at start-up, the SKUs whose data changed after their last forecast (a crash between). */
  async resumeAfterRestart(): Promise<number> {
    const skus = await skusBehindTheirData(this.o.ws);
    this.refresh(skus);
    return skus.length;
  }

  private kick(): void {
    if (this.running === null && !this.closed) this.running = this.loop().finally(() => (this.running = null));
  }

  /**
   * The cycles, as a pipeline of two stages: a clean (under the lock) and a re-forecast of what it cleaned (reads and
   * fits outside the lock, the write under it). A clean starts beside a re-forecast only when SKUs are waiting for one
   * as the re-forecast starts (a clean holds the lock, so the batches posted during it are stored after it: under a
   * steady stream of batches the stages run in turn; waking the loop for the first batch stored during a re-forecast
   * made the stages overlap and the latency worse, 5.8 → 6.7 s at p95 in `bench:serve --rate 2000`: on 2 cores they
   * share the CPU, and a batch then waits for about three stages instead of two). The re-forecasts run one at a time,
   * in the order of their cleans (their events too), and a clean is at most one cycle ahead.
   */
  private async loop(): Promise<void> {
    let refreshing: Promise<void> | null = null;
    try {
      while (!this.closed) {
        if (this.toClean.size === 0 && this.toRefresh.size === 0) {
          if (refreshing === null) return;
          // batches posted while the last re-forecast runs are cleaned after it
          await refreshing;
          refreshing = null;
          continue;
        }
        const cleaned = await this.cleanStep();
        if (refreshing !== null) await refreshing;
        // after a failed clean its SKUs stay queued: the next cycle cleans nothing and re-forecasts them
        const skus = cleaned.error === undefined ? [...this.toRefresh].sort() : [];
        if (cleaned.error === undefined) this.toRefresh.clear();
        refreshing = this.refreshStep(skus, cleaned);
      }
    } finally {
      if (refreshing !== null) await refreshing;
    }
  }

  /** Cleans the SKUs stored so far (under the lock) and returns the batches they cover, with the clean's seconds. */
  private async cleanStep(): Promise<Cleaned> {
    let batches: { id: number; t0: number }[] = [];
    let seconds = 0;
    try {
      await this.o.lock.run(async () => {
        // the batches stored so far: their SKUs are in toClean (both are filled under the lock)
        batches = this.batches;
        this.batches = [];
        if (this.toClean.size === 0) return;
        const skus = [...this.toClean].sort();
        this.toClean.clear();
        const t0 = performance.now();
        try {
          await cleanOrderSkus(this.o.ws, skus);
        } finally {
          seconds = (performance.now() - t0) / 1000;
          // cleaned or not (a failed clean leaves the workspace stale: the next start rebuilds it), re-forecast
          for (const s of skus) this.toRefresh.add(s);
        }
      });
      return { batches, seconds };
    } catch (e) {
      return { batches, seconds, error: e };
    }
  }

  /**
   * Re-forecasts `skus` (reading through the cycles' own connection, which sees the clean committed before) and
   * publishes the events of the batches the clean covered; never rejects (an error is logged and published).
   */
  private async refreshStep(skus: string[], cleaned: Cleaned): Promise<void> {
    const { batches } = cleaned;
    try {
      if (cleaned.error !== undefined) throw cleaned.error;
      this.reader ??= this.o.ws.connect();
      const reader = await this.reader;
      const r = await refreshSkus(this.o.ws, skus, { reader, writer: () => this.writerTurn(), state: false });
      const t0 = performance.now();
      await this.o.onChanged(skus);
      const answers = (performance.now() - t0) / 1000;
      this.o.onCycle?.(r.skus.length, { clean: cleaned.seconds, ...r.seconds, answers });
      await this.o.events.publish('forecast.updated', {
        skus: r.skus,
        batches: batches.map((b) => b.id),
        as_of: r.as_of,
        run_id: r.forecast_runs.champion,
      });
      for (const alert of r.alerts) await this.o.events.publish('alert.raised', { alert });
      const now = performance.now();
      for (const b of batches) this.o.onLag((now - b.t0) / 1000);
      if (r.skus.length > 0 && r.as_of !== this.lastAsOf) {
        if (this.lastAsOf !== null) await this.monitor();
        this.lastAsOf = r.as_of;
      }
    } catch (e) {
      this.o.onError(e);
      await this.o.events
        .publish('refresh.failed', {
          batches: batches.map((b) => b.id),
          error: e instanceof Error ? e.message : String(e),
        })
        .catch(this.o.onError);
    }
  }

  /** Waits for the writer lock's turn and resolves with the function that ends it. */
  private writerTurn(): Promise<() => void> {
    return new Promise((resolve) => {
      void this.o.lock.run(() => new Promise<void>((release) => resolve(release)));
    });
  }

  /** Scores the stored forecasts against the sales and raises or clears monitoring alerts (a new day of data). */
  async monitor(): Promise<void> {
    const m = await this.o.lock.run(() => monitorForecasts(this.o.ws));
    for (const alert of m.alerts) await this.o.events.publish('alert.raised', { alert });
  }

  /** Resolves when no cycle is running or queued. */
  async drain(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Lets the running cycle finish and starts no other (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    const reader = this.reader;
    this.reader = null;
    if (reader !== null) (await reader).close();
  }
}
