/**
 * The service's Prometheus metrics (prom-client, one registry per server): requests by route and status, request
 * latency, WriteLock calls pending, the job queue by state (set by the job runner's wiring), the ingest lag (seconds
 * from a batch's arrival to its forecast update: observed by the wiring), the live cycles (how many, their SKUs, the
 * seconds of each step), and the process's default metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WriteLock } from '../pipeline/write-lock.js';

/**
 * The service's Prometheus metrics: requests, latencies, the writer's queue, jobs, ingest lag.
 * @example const text = await new ServerMetrics(lock).text();
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route'>;
  /** jobs by state (queued, running): the coordinator sets it from the JobRunner */
  readonly jobQueue: Gauge<'state'>;
  /** seconds from a batch's arrival to its forecast update */
  readonly ingestLag: Histogram;
  /** seconds of each step of the live cycles (clean, read, forecast, policy, write) */
  readonly cycleSeconds: Counter<'step'>;
  /** live cycles run, and the SKUs they re-forecast */
  readonly cycles: Counter;
  readonly cycleSkus: Counter;

  constructor(lock: WriteLock) {
    this.requests = new Counter({
      name: 'shopcast_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'shopcast_http_request_duration_seconds',
      help: 'HTTP request latency in seconds, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'shopcast_write_lock_pending',
      help: 'writer calls queued or running on the WriteLock',
      registers: [this.registry],
      collect() {
        this.set(lock.pending);
      },
    });
    this.jobQueue = new Gauge({
      name: 'shopcast_jobs',
      help: 'jobs by state (queued, running)',
      labelNames: ['state'],
      registers: [this.registry],
    });
    this.ingestLag = new Histogram({
      name: 'shopcast_ingest_lag_seconds',
      help: "seconds from an order batch's arrival to its forecast update",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    this.cycleSeconds = new Counter({
      name: 'shopcast_live_cycle_seconds_total',
      help: 'wall-clock seconds the live cycles spent in each step (clean, read, forecast, policy, write)',
      labelNames: ['step'],
      registers: [this.registry],
    });
    this.cycles = new Counter({
      name: 'shopcast_live_cycles_total',
      help: 'live cycles run (a clean and a re-forecast of the SKUs of the batches stored since the last one)',
      registers: [this.registry],
    });
    this.cycleSkus = new Counter({
      name: 'shopcast_live_cycle_skus_total',
      help: 'SKUs re-forecast by the live cycles',
      registers: [this.registry],
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'shopcast_' });
  }

  /** Exposes the GET /skus/{sku} cache's hits and misses (read when scraped). */
  watchSkuCache(cache: { readonly hits: number; readonly misses: number; readonly previousHits: number }): void {
    new Gauge({
      name: 'shopcast_sku_cache_answers',
      help:
        'one-SKU answers since start, by result (hit: served from the cache; miss: computed; previous: the answer ' +
        'before a live update, served while the new one is computed)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        this.set({ result: 'hit' }, cache.hits);
        this.set({ result: 'miss' }, cache.misses);
        this.set({ result: 'previous' }, cache.previousHits);
      },
    });
  }

  /** Exposes whether the launch model is being warmed (loaded or trained in the background: read when scraped). */
  watchLaunchModel(pending: () => boolean): void {
    new Gauge({
      name: 'shopcast_launch_model_warming',
      help: '1 while the launch model of the current data is loaded or trained in the background, else 0',
      registers: [this.registry],
      collect() {
        this.set(pending() ? 1 : 0);
      },
    });
  }

  /** Records the ingest lag of one batch (seconds from arrival to forecast update). */
  observeIngestLag(seconds: number): void {
    this.ingestLag.observe(seconds);
  }

  /** Records one live cycle: the SKUs it re-forecast and the seconds of each of its steps. */
  observeCycle(skus: number, seconds: Readonly<Record<string, number>>): void {
    this.cycles.inc();
    this.cycleSkus.inc(skus);
    for (const [step, s] of Object.entries(seconds)) if (step !== 'total') this.cycleSeconds.inc({ step }, s);
  }

  /** Sets the job queue gauge: how many jobs are in each state. */
  setJobQueue(counts: Partial<Record<string, number>>): void {
    for (const [state, n] of Object.entries(counts)) this.jobQueue.set({ state }, n ?? 0);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
