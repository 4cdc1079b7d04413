/**
 * The plan job: a full plan made off the main thread and off the writer.
 *
 * 1. Under the write lock: the workspace is checkpointed and copied to `<workspace>/jobs/<job id>/` (a snapshot).
 * 2. A child process (plan-job-worker.ts) plans on the snapshot (`planWorkspace`), writing forecasts.csv, orders.csv
 *    and report.html into `<workspace>/plans/<job id>/`, and exports the rows the plan added as Parquet files. A
 *    process rather than a worker thread: a cancel kills it at once, and a worker thread cannot be terminated safely
 *    while DuckDB works in it (job-worker.ts).
 * 3. Under the write lock, in one transaction: those rows are copied into the workspace (store/snapshot.ts).
 * The snapshot is deleted in the end. A failure or a cancel before step 3 leaves the workspace as it was and removes
 * the plan's folder; step 3 is all or nothing.
 */
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../data/errors.js';
import { type Baseline, type MergeResult, mergePlanRows, snapshotWorkspace } from '../store/snapshot.js';
import type { Workspace } from '../store/workspace.js';
import type { JobContext } from './jobs.js';
import { runProcess } from './job-worker.js';
import { type PlanOptions, type PlanSummary, checkPlanOptions, currencySymbol, rememberCurrency } from './plan.js';

/** What a plan job takes: `planWorkspace`'s options a client may set. */
export interface PlanJobParams {
  horizon?: number;
  serviceLevel?: number;
  budget?: number;
  model?: string;
  currency?: string;
  asOf?: string;
}

/** What a plan job gives: the plan's summary (its run id as stored) and the rows stored per table. */
export interface PlanJobResult extends Omit<PlanSummary, 'alerts_raised'> {
  stored: MergeResult['rows'];
  /** alerts the plan opened or raised in severity */
  alerts_raised: number[];
}

/** The task the plan's process gets (plan-job-worker.ts). */
export interface PlanWorkerTask {
  snapshotDir: string;
  out: string;
  rowsDir: string;
  baseline: Baseline;
  threads: number;
  options: Omit<PlanOptions, 'out' | 'onProgress' | 'threads' | 'now'>;
}
export interface PlanWorkerProgress {
  label: string;
  fraction: number;
}
export interface PlanWorkerResult {
  summary: PlanSummary;
  rows: Record<string, number>;
}

const NUMBERS = ['horizon', 'serviceLevel', 'budget'] as const;
const STRINGS = ['model', 'currency', 'asOf'] as const;

/**
 * A plan job's parameters checked: an object with only the keys of PlanJobParams, each of its type and valid for
 * `planWorkspace`; else an InputError naming the field.
 * @example checkPlanJobParams({ horizon: 28, budget: 5000 }, 'plans') // { horizon: 28, budget: 5000 }
 */
export function checkPlanJobParams(params: unknown, plansDir: string): PlanJobParams {
  const p = params ?? {};
  if (typeof p !== 'object' || Array.isArray(p)) throw new InputError('plan: parameters must be an object');
  const out: PlanJobParams = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    if ((NUMBERS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new InputError(`plan: ${k} must be a number`, { field: k });
      out[k as (typeof NUMBERS)[number]] = v;
    } else if ((STRINGS as readonly string[]).includes(k)) {
      if (typeof v !== 'string') throw new InputError(`plan: ${k} must be a string`, { field: k });
      out[k as (typeof STRINGS)[number]] = v;
    } else throw new InputError(`plan: unknown parameter '${k}'`, { field: k });
  }
  if (out.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(out.asOf))
    throw new InputError(`plan: asOf must be a date such as 2024-03-31`, { field: 'asOf' });
  try {
    checkPlanOptions({ ...out, out: plansDir });
  } catch (e) {
    // checkModelName's error names no field
    if (e instanceof InputError && e.field === undefined && /unknown model/.test(e.message))
      throw new InputError(e.message, { field: 'model' });
    throw e;
  }
  currencySymbol(out.currency);
  return out;
}

/** Where a job's snapshot and a plan job's output go. */
export function jobFolders(ws: Workspace, jobId: number): { snapshot: string; plan: string } {
  return { snapshot: join(ws.dir, 'jobs', String(jobId)), plan: join(ws.dir, 'plans', String(jobId)) };
}

/**
 * Removes what a job that did not finish left on disk: its snapshot folder and, for a plan, its output folder and the
 * temporary folders `planWorkspace` writes it through (`plans/.<job id>.tmp-…`).
 */
export async function removeJobFiles(ws: Workspace, jobId: number, o: { plan: boolean }): Promise<void> {
  const dirs = jobFolders(ws, jobId);
  await rm(dirs.snapshot, { recursive: true, force: true });
  if (!o.plan) return;
  await rm(dirs.plan, { recursive: true, force: true });
  const plans = dirname(dirs.plan);
  const names = await readdir(plans).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(`.${jobId}.tmp-`)) await rm(join(plans, name), { recursive: true, force: true });
}

/** Overall progress of each step the plan's process reports: [from, to]. */
const STEPS: Record<string, [number, number]> = {
  'reading demand': [0.03, 0.08],
  forecasting: [0.08, 0.75],
  'life cycle': [0.75, 0.82],
  inventory: [0.82, 0.88],
  writing: [0.88, 0.94],
  done: [0.94, 0.94],
  exporting: [0.95, 0.95],
};

/**
 * Runs a plan job (see the module comment); resolves with its result once the plan is stored. A cancel (the signal)
 * before the rows are being stored stops it, with nothing stored.
 */
export async function runPlanJob(ws: Workspace, ctx: JobContext, params: PlanJobParams): Promise<PlanJobResult> {
  const dirs = jobFolders(ws, ctx.jobId);
  const rowsDir = join(dirs.snapshot, 'rows');
  let stored = false;
  try {
    ctx.progress(0, 'taking a snapshot');
    const baseline = await ctx.lock.run(async () => {
      ctx.signal.throwIfAborted();
      return snapshotWorkspace(ws, dirs.snapshot);
    });
    ctx.progress(0.03, 'reading demand');
    const task: PlanWorkerTask = {
      snapshotDir: dirs.snapshot,
      out: dirs.plan,
      rowsDir,
      baseline,
      threads: ctx.threads,
      options: params,
    };
    const made = await runProcess<PlanWorkerProgress, PlanWorkerResult>(
      new URL('./plan-job-worker.js', import.meta.url),
      task,
      (p) => {
        const [from, to] = STEPS[p.label] ?? [0.03, 0.94];
        ctx.progress(from + (to - from) * p.fraction, p.label);
      },
      ctx.signal,
    );
    ctx.progress(0.96, 'storing');
    const result = (merged: MergeResult): PlanJobResult => ({
      ...made.summary,
      run_id: made.summary.run_id + merged.offsets.plan,
      stored: merged.rows,
      alerts_raised: merged.alerts_raised,
    });
    const merged = await ctx.lock.run(async () => {
      ctx.signal.throwIfAborted();
      stored = true; // from here on the plan is stored or, should the transaction fail, nothing is
      try {
        // the job's end is stored in the same transaction as the plan's rows
        return await mergePlanRows(ws, baseline, rowsDir, async (m) => {
          await rememberCurrency(ws, params.currency);
          await ctx.hooks.beforeMergeCommit?.();
          await ctx.complete(result(m));
        });
      } catch (e) {
        stored = false;
        throw e;
      }
    });
    return result(merged);
  } finally {
    await removeJobFiles(ws, ctx.jobId, { plan: !stored });
  }
}
