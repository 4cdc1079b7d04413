/**
 * Long work as jobs, for the service: an ingest of uploaded files, a plan. Jobs are rows of `jobs` (store/jobs.ts);
 * they run one at a time in the order they came, off the main thread (a plan in a child process, an ingest's reading
 * in worker threads), and never half-stored: a plan is made on a snapshot and its rows copied in by one transaction
 * (plan-job.ts); an ingest's raw rows land in one transaction (ingest-job.ts). Progress (0..1 with a label) is sent
 * as `job.progress` events and stored at most every half second; `job.finished` ends every job, `plan.finished`
 * follows a stored plan.
 *
 * A job that a stopped process left queued or running is failed when the runner opens (nothing of a plan was stored
 * then; an ingest's files are in entirely or not at all). Cancelling a queued job ends it at once; a running one is
 * stopped (its process killed, its worker thread terminated) unless it is already storing its result, which then
 * completes.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../data/errors.js';
import {
  type JobInfo,
  type JobKind,
  type JobState,
  failUnfinishedJobs,
  finishJob,
  insertJob,
  listJobs,
  markJobRunning,
  readJob,
  setJobProgress,
} from '../store/jobs.js';
import type { Workspace } from '../store/workspace.js';
import { checkIngestJobParams, runIngestJob } from './ingest-job.js';
import { checkPlanJobParams, jobFolders, removeJobFiles, runPlanJob } from './plan-job.js';
import type { WriteLock } from './write-lock.js';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type { JobInfo, JobKind, JobState };

/** Why a job that ran ended failed, by kind, when the process running it stopped (JobRunner.open). */
export const INTERRUPTED: Record<JobKind, string> = {
  plan: 'interrupted: the server stopped while it ran; nothing of it was stored; submit it again',
  ingest:
    'interrupted: the server stopped while it ran; its files were stored entirely or not at all; submit it again ' +
    '(rows already stored are not stored twice)',
};

/** Why a job ended failed when the runner was closed before it finished. */
export const SHUTDOWN = 'interrupted by shutdown; nothing of it was stored; submit it again';

/** Points where a test stops a job (the crash tests kill the process there). */
export interface JobHooks {
  /** runs inside the plan's storing transaction, before its commit */
  beforeMergeCommit?: () => Promise<void>;
}

/** What a job's code gets from the runner. */
export interface JobContext {
  jobId: number;
  lock: WriteLock;
  /** aborted by a cancel or a shutdown: the job stops where it can, storing nothing */
  signal: AbortSignal;
  /** worker threads the job may use */
  threads: number;
  /** the job's progress, 0..1, and what it does */
  progress: (fraction: number, label: string) => void;
  /**
   * stores the job as done with its result: for a job to call inside the transaction that stores its work (holding
   * the lock), so that the work is never stored without its job being done
   */
  complete: (result: unknown) => Promise<void>;
  hooks: JobHooks;
}

/** Thrown by `submit` once the runner is closed. */
export class JobsClosedError extends Error {
  override name = 'JobsClosedError';
}

/** The reason a job is aborted with: the state it ends in, and why. */
class JobStop extends Error {
  constructor(
    readonly state: 'cancelled' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

const KINDS: readonly JobKind[] = ['ingest', 'plan'];
const PROGRESS_EVERY_MS = 500;

/** An error as a job's `error`: an InputError's text as it is, another error's first line. */
function describe(e: unknown): string {
  if (e instanceof InputError) return e.message;
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n')[0]!.trim();
  return `failed: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`;
}

interface Queued {
  id: number;
  kind: JobKind;
  params: unknown;
}

interface Running extends Queued {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs a workspace's jobs, one at a time (see the module comment). A resource, hence a class: open it once the
 * workspace is open, close it before the workspace.
 * @example
 * const jobs = await JobRunner.open(ws, { lock, onEvent: (type, data) => void events.publish(type, data) });
 * const job = await jobs.submit('plan', { horizon: 28 }, 'key-1');
 * await jobs.close({ timeoutMs: 10_000 });
 */
export class JobRunner {
  private readonly queue: Queued[] = [];
  private current: Running | null = null;
  private closed = false;

  private constructor(
    private readonly ws: Workspace,
    private readonly reader: Workspace,
    private readonly lock: WriteLock,
    private readonly onEvent: (type: string, data: unknown) => void,
    private readonly threads: number,
    private readonly hooks: JobHooks,
  ) {}

  /**
   * Opens the runner: fails the jobs a stopped process left queued or running (INTERRUPTED, with a `job.finished`
   * event each) and removes what they left on disk. `threads`: worker threads a job may use (default: all cores
   * but one).
   */
  static async open(
    ws: Workspace,
    o: {
      lock: WriteLock;
      onEvent: (type: string, data: unknown) => void;
      threads?: number;
      hooks?: JobHooks;
    },
  ): Promise<JobRunner> {
    const threads = Math.max(1, Math.floor(o.threads ?? availableParallelism() - 1));
    const runner = new JobRunner(ws, await ws.connect(), o.lock, o.onEvent, threads, o.hooks ?? {});
    const failed = await o.lock.run(() => failUnfinishedJobs(ws, INTERRUPTED));
    // no job runs yet: every snapshot and every unfinished plan folder is a left-over
    await rm(dirname(jobFolders(ws, 0).snapshot), { recursive: true, force: true });
    for (const job of failed.sort((a, b) => a.job_id - b.job_id)) {
      await removeJobFiles(ws, job.job_id, { plan: job.kind === 'plan' });
      runner.emit('job.finished', { job_id: job.job_id, state: 'failed', error: INTERRUPTED[job.kind] });
    }
    const plans = dirname(jobFolders(ws, 0).plan);
    for (const name of await readdir(plans).catch(() => [] as string[]))
      if (/^\.\d+\.tmp-/.test(name)) await rm(join(plans, name), { recursive: true, force: true });
    return runner;
  }

  /**
   * Queues a job; it runs when those before it have ended. Bad parameters are an InputError naming the field
   * (nothing queued).
   */
  async submit(kind: JobKind, params: unknown, who: string | null): Promise<JobInfo> {
    if (this.closed) throw new JobsClosedError('jobs: the service is shutting down; submit the job again later');
    if (!KINDS.includes(kind))
      throw new InputError(`jobs: kind must be one of ${KINDS.join(', ')}, got '${String(kind)}'`, { field: 'kind' });
    const checked =
      kind === 'plan' ? checkPlanJobParams(params, dirname(jobFolders(this.ws, 0).plan)) : checkIngestJobParams(params);
    const info = await this.lock.run(() => insertJob(this.ws, kind, checked, who));
    this.queue.push({ id: info.job_id, kind, params: checked });
    this.pump();
    return info;
  }

  /** One job; null when there is none with that id. */
  get(id: number): Promise<JobInfo | null> {
    return readJob(this.reader, id);
  }

  /** Jobs, newest first: `limit` (default 100, at most 1000) from `offset`. */
  list(o: { state?: JobState; limit?: number; offset?: number } = {}): Promise<{ total: number; jobs: JobInfo[] }> {
    const whole = (v: number | undefined, d: number, max: number): number =>
      Math.min(max, Math.max(0, Math.floor(Number.isFinite(v) ? v! : d)));
    return listJobs(this.reader, {
      ...(o.state === undefined ? {} : { state: o.state }),
      limit: whole(o.limit, 100, 1000),
      offset: whole(o.offset, 0, Number.MAX_SAFE_INTEGER),
    });
  }

  /**
   * Cancels a job: a queued one ends cancelled at once; a running one is stopped, nothing of it stored, and this
   * resolves once it has ended (done, should it have been storing its result already). A job that had ended is
   * returned as it is; null when there is none with that id.
   */
  async cancel(id: number, who: string | null): Promise<JobInfo | null> {
    const by = who === null ? '' : ` by ${who}`;
    const k = this.queue.findIndex((q) => q.id === id);
    if (k >= 0) {
      this.queue.splice(k, 1);
      const error = `cancelled${by} before it started`;
      await this.lock.run(() => finishJob(this.ws, id, { state: 'cancelled', error }));
      this.emit('job.finished', { job_id: id, state: 'cancelled', error });
    } else if (this.current?.id === id) {
      const current = this.current;
      current.controller.abort(new JobStop('cancelled', `cancelled${by}; nothing of it was stored`));
      await current.done;
    }
    return this.get(id);
  }

  /**
   * Graceful shutdown: takes no more jobs, fails the queued ones (SHUTDOWN), waits up to `timeoutMs` (default 30 s)
   * for the running one, then stops it (failed, SHUTDOWN) and waits until it has ended; closes the runner's reader.
   */
  async close(o: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queue.splice(0)) {
      const error = `${SHUTDOWN} (it had not started)`;
      await this.lock.run(() => finishJob(this.ws, q.id, { state: 'failed', error }));
      this.emit('job.finished', { job_id: q.id, state: 'failed', error });
    }
    const current = this.current;
    if (current !== null) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), o.timeoutMs ?? 30_000);
      });
      const first = await Promise.race([current.done.then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (first === 'timeout') {
        current.controller.abort(new JobStop('failed', SHUTDOWN));
        await current.done;
      }
    }
    this.reader.close();
  }

  private emit(type: string, data: unknown): void {
    try {
      const r = this.onEvent(type, data) as unknown;
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // an event that could not be sent does not stop the job
    }
  }

  private pump(): void {
    if (this.current !== null || this.closed) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    const controller = new AbortController();
    const running: Running = { ...next, controller, done: Promise.resolve() };
    this.current = running;
    running.done = this.run(running).finally(() => {
      this.current = null;
      this.pump();
    });
  }

  /** Runs one job to its end and stores how it ended; never rejects. */
  private async run(job: Running): Promise<void> {
    const { id, controller } = job;
    let lastAt = -Infinity;
    let lastLabel = '';
    let writing = false;
    const progress = (fraction: number, label: string): void => {
      const now = performance.now();
      if (label === lastLabel && now - lastAt < PROGRESS_EVERY_MS) return;
      lastAt = now;
      lastLabel = label;
      const p = Math.min(1, Math.max(0, fraction));
      this.emit('job.progress', { job_id: id, progress: p, label });
      // stored through the lock, one write at a time; never awaited, so a job holding the lock goes on
      if (writing) return;
      writing = true;
      this.lock
        .run(() => setJobProgress(this.ws, id, p, label))
        .catch(() => {})
        .finally(() => (writing = false));
    };
    const ctx: JobContext = {
      jobId: id,
      lock: this.lock,
      signal: controller.signal,
      threads: this.threads,
      progress,
      complete: async (result) => void (await finishJob(this.ws, id, { state: 'done', result })),
      hooks: this.hooks,
    };
    let end: { state: 'done'; result: unknown } | { state: 'failed' | 'cancelled'; error: string };
    try {
      await this.lock.run(() => markJobRunning(this.ws, id));
      progress(0, 'starting');
      const result =
        job.kind === 'plan'
          ? await runPlanJob(this.ws, ctx, job.params as Parameters<typeof runPlanJob>[2])
          : await runIngestJob(this.ws, ctx, job.params as Parameters<typeof runIngestJob>[2]);
      end = { state: 'done', result };
    } catch (e) {
      const stop = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
      end =
        stop instanceof JobStop ? { state: stop.state, error: stop.message } : { state: 'failed', error: describe(e) };
    }
    try {
      await this.lock.run(() => finishJob(this.ws, id, end));
    } catch {
      // left running in the table: the next JobRunner.open fails it
    }
    this.emit(
      'job.finished',
      end.state === 'done'
        ? { job_id: id, state: end.state, result: end.result }
        : { job_id: id, state: end.state, error: end.error },
    );
    if (end.state === 'done' && job.kind === 'plan') {
      const r = end.result as { run_id: number; alerts_raised: number[] };
      this.emit('plan.finished', { job_id: id, run_id: r.run_id, alerts_raised: r.alerts_raised });
    }
  }
}
