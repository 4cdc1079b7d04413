/**
 * Jobs (`jobs`): long work the service runs one at a time (an ingest of uploaded files, a plan), with its state
 * (queued → running → done | failed | cancelled), progress 0..1 with a label, its parameters and its result or error as
 * JSON. Every write here is the writer's: call it inside the workspace's write lock.
 */
import { type Sql, joinSql, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** What a job does: ingest uploaded files, or make a plan. */
export type JobKind = 'ingest' | 'plan';
/** Where a job is: queued → running → done | failed | cancelled. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** The states a job never leaves. */
export const FINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

/** A job as stored (timestamps as ISO text, params and result parsed). */
export interface JobInfo {
  job_id: number;
  kind: JobKind;
  state: JobState;
  progress: number;
  label: string;
  params: unknown;
  result: unknown;
  error: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface RawJob extends Omit<JobInfo, 'params' | 'result'> {
  params: string | null;
  result: string | null;
}

const COLUMNS = sql`job_id::INTEGER AS job_id, kind, state, progress, label, params, result, error, created_by,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
  strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
  strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at`;

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function parse(r: RawJob): JobInfo {
  return {
    ...r,
    job_id: Number(r.job_id),
    progress: Number(r.progress),
    params: json(r.params),
    result: json(r.result),
  };
}

async function readJobs(ws: Workspace, where: Sql, limit: number, offset: number): Promise<JobInfo[]> {
  const rows = await ws.all<RawJob>(
    sql`SELECT ${COLUMNS} FROM jobs WHERE ${where} ORDER BY job_id DESC LIMIT ${limit} OFFSET ${offset}`,
  );
  return rows.map(parse);
}

/** Stores a new job, queued; returns it. Its id: one more than the highest stored. */
export async function insertJob(ws: Workspace, kind: JobKind, params: unknown, who: string | null): Promise<JobInfo> {
  const id = (await ws.one<{ id: number }>('SELECT coalesce(max(job_id), 0)::INTEGER + 1 AS id FROM jobs')).id;
  await ws.run(sql`INSERT INTO jobs VALUES (${id}::INTEGER, ${kind}, 'queued', 0, 'queued', ${JSON.stringify(params)},
    NULL, NULL, ${who}, now()::TIMESTAMP, NULL, NULL)`);
  return (await readJob(ws, id))!;
}

/** One job; null when there is none with that id. */
export async function readJob(ws: Workspace, id: number): Promise<JobInfo | null> {
  return (await readJobs(ws, sql`job_id = ${id}::INTEGER`, 1, 0))[0] ?? null;
}

/** Jobs, newest first, optionally in one state; `total` counts every match. */
export async function listJobs(
  ws: Workspace,
  f: { state?: JobState; limit?: number; offset?: number } = {},
): Promise<{ total: number; jobs: JobInfo[] }> {
  const where = joinSql([sql`TRUE`, ...(f.state === undefined ? [] : [sql`state = ${f.state}`])], ' AND ');
  const total = (await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM jobs WHERE ${where}`)).n;
  return { total, jobs: await readJobs(ws, where, f.limit ?? 100, f.offset ?? 0) };
}

/** Marks a queued job running. */
export async function markJobRunning(ws: Workspace, id: number): Promise<void> {
  await ws.run(sql`UPDATE jobs SET state = 'running', started_at = now()::TIMESTAMP, progress = 0, label = 'starting'
    WHERE job_id = ${id}::INTEGER AND state = 'queued'`);
}

/** Stores a running job's progress (0..1) and label. */
export async function setJobProgress(ws: Workspace, id: number, progress: number, label: string): Promise<void> {
  await ws.run(sql`UPDATE jobs SET progress = ${progress}::DOUBLE, label = ${label}
    WHERE job_id = ${id}::INTEGER AND state = 'running'`);
}

/**
 * Ends a job that has not ended yet: done with its result, or failed / cancelled with the reason. Returns false when
 * the job had already ended (its row is left as it was).
 */
export async function finishJob(
  ws: Workspace,
  id: number,
  end: { state: 'done'; result: unknown } | { state: 'failed' | 'cancelled'; error: string },
): Promise<boolean> {
  const open = await ws.all(sql`SELECT 1 FROM jobs WHERE job_id = ${id}::INTEGER AND state IN ('queued', 'running')`);
  if (open.length === 0) return false;
  const result = end.state === 'done' ? JSON.stringify(end.result ?? null) : null;
  const error = end.state === 'done' ? null : end.error;
  await ws.run(sql`UPDATE jobs SET state = ${end.state}, result = ${result}, error = ${error},
    progress = ${end.state === 'done' ? sql`1` : sql`progress`},
    label = ${end.state}, finished_at = now()::TIMESTAMP
    WHERE job_id = ${id}::INTEGER`);
  return true;
}

/**
 * Fails every job left queued or running (by a process that stopped without ending them), with the message of its
 * kind; returns the jobs it failed, as they were before.
 */
export async function failUnfinishedJobs(ws: Workspace, messages: Record<JobKind, string>): Promise<JobInfo[]> {
  const open = await readJobs(ws, sql`state IN ('queued', 'running')`, 1_000_000, 0);
  if (open.length === 0) return [];
  await ws.run(sql`UPDATE jobs SET state = 'failed', label = 'failed', finished_at = now()::TIMESTAMP,
    error = CASE WHEN kind = 'ingest' THEN ${messages.ingest} ELSE ${messages.plan} END
    WHERE state IN ('queued', 'running')`);
  return open;
}
