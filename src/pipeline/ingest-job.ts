/**
 * The ingest job: uploaded files into the workspace with `ingestFiles`, without blocking the service.
 *
 * Reading a file (parsing and checking every row: `stageCsvFile`) is JavaScript and blocked the event loop for up to
 * ~230 ms at a time on the full Online Retail file, so it runs in a worker thread (stage-file-worker.ts), and before
 * the write lock is taken: the CSV files are staged first, into the job's folder, while order batches go on; then,
 * under the lock, `ingestFiles` loads the staged rows (DuckDB, off the event loop) and rebuilds the clean tables.
 * Rejected rows are kept with file, line and reason as `ingestFiles` keeps them; the job's result is its report.
 * A cancel stops the job while its files are being read; once they are being loaded it runs to the end (the raw rows
 * land in one transaction: all of a job's files or none).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CsvEncoding } from '../data/csv-reader.js';
import type { DateOrder } from '../data/date-order.js';
import { InputError } from '../data/errors.js';
import type { StageOptions, StagedFile } from '../data/stage-file.js';
import type { Workspace } from '../store/workspace.js';
import { type IngestReport, checkReadOptions, ingestFiles, isParquet } from './ingest.js';
import type { JobContext } from './jobs.js';
import { runWorker } from './job-worker.js';
import { jobFolders } from './plan-job.js';

/** What an ingest job takes: the files (saved by the caller) and `ingestFiles`' reading options. */
export interface IngestJobParams {
  paths: string[];
  stockDate?: string;
  dateOrder?: DateOrder;
  encoding?: CsvEncoding;
}

/** The task of the staging worker (stage-file-worker.ts): `stageCsvFile`'s arguments, without callbacks. */
export interface StageTask {
  path: string;
  outPrefix: string;
  options: Omit<StageOptions, 'onProgress'>;
}
export interface StageProgress {
  read: number;
  total: number;
}

/**
 * An ingest job's parameters checked: `paths` a non-empty list of strings, the options of their types; else an
 * InputError naming the field. The options' values are checked by `ingestFiles`.
 * @example checkIngestJobParams({ paths: ['/srv/uploads/1/orders.csv'] })
 */
export function checkIngestJobParams(params: unknown): IngestJobParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new InputError('ingest: parameters must be an object with paths');
  const p = params as Record<string, unknown>;
  for (const k of Object.keys(p))
    if (!['paths', 'stockDate', 'dateOrder', 'encoding'].includes(k))
      throw new InputError(`ingest: unknown parameter '${k}'`, { field: k });
  const paths = p['paths'];
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((x) => typeof x === 'string' && x !== ''))
    throw new InputError('ingest: paths must be a non-empty list of file paths', { field: 'paths' });
  const out: IngestJobParams = { paths: paths as string[] };
  const text = (k: string): string | undefined => {
    const v = p[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new InputError(`ingest: ${k} must be a string`, { field: k });
    return v;
  };
  const stockDate = text('stockDate');
  if (stockDate !== undefined) out.stockDate = stockDate;
  const dateOrder = text('dateOrder');
  if (dateOrder !== undefined) out.dateOrder = dateOrder as DateOrder;
  const encoding = text('encoding');
  if (encoding !== undefined) out.encoding = encoding as CsvEncoding;
  checkReadOptions(out);
  return out;
}

/** `stageCsvFile` in a worker thread, its progress passed on; the signal stops it. */
function stageInWorker(
  path: string,
  outPrefix: string,
  options: StageOptions,
  signal: AbortSignal,
): Promise<StagedFile> {
  const { onProgress, ...rest } = options;
  const task: StageTask = { path, outPrefix, options: rest };
  return runWorker<StageProgress, StagedFile>(
    new URL('./stage-file-worker.js', import.meta.url),
    task,
    (p) => onProgress?.(p.read, p.total),
    signal,
  );
}

/** The staging options that decide a staged file: those `ingestFiles` passes, as text, to compare. */
const stagingKey = (path: string, o: StageOptions): string =>
  JSON.stringify([
    path,
    o.mapping ?? null,
    o.lineColumn ?? null,
    o.displayName ?? null,
    o.dateOrder ?? null,
    o.encoding ?? null,
    o.now?.toISOString() ?? null,
  ]);

/**
 * Runs an ingest job (see the module comment); resolves with the ingest's report. Staging files go to the job's
 * folder, removed at the end.
 */
export async function runIngestJob(ws: Workspace, ctx: JobContext, params: IngestJobParams): Promise<IngestReport> {
  const dir = jobFolders(ws, ctx.jobId).snapshot;
  const now = new Date();
  const staged = new Map<string, Promise<StagedFile>>();
  const n = params.paths.length;
  try {
    await mkdir(dir, { recursive: true });
    // 1. read and check the CSV files, before the lock: order batches go on meanwhile
    for (const [i, p] of params.paths.entries()) {
      const abs = resolve(p);
      if (await isParquet(abs).catch(() => true)) continue; // Parquet (or unreadable): ingestFiles' own way
      const options: StageOptions = {
        mapping: undefined,
        lineColumn: undefined,
        displayName: p,
        dateOrder: params.dateOrder,
        encoding: params.encoding,
        now,
      };
      const file = stageInWorker(
        abs,
        join(dir, `file${i}`),
        {
          ...options,
          onProgress: (read, total) => ctx.progress((0.6 * (i + (total > 0 ? read / total : 1))) / n, `reading ${p}`),
        },
        ctx.signal,
      );
      staged.set(stagingKey(abs, options), file);
      // a file that cannot be staged here is staged again by ingestFiles, which reports it in its terms
      await file.catch((e: unknown) => {
        if (ctx.signal.aborted) throw e;
        staged.delete(stagingKey(abs, options));
      });
    }
    ctx.signal.throwIfAborted();
    // 2. load them, under the lock
    ctx.progress(0.6, 'waiting for the workspace');
    return await ctx.lock.run(async () => {
      ctx.signal.throwIfAborted();
      return ingestFiles(ws, params.paths, {
        stockDate: params.stockDate,
        dateOrder: params.dateOrder,
        encoding: params.encoding,
        now,
        onProgress: (label, fraction) => ctx.progress(0.6 + 0.4 * fraction, label),
        stageFile: (path, outPrefix, options = {}) =>
          staged.get(stagingKey(path, options)) ?? stageInWorker(path, outPrefix, options, ctx.signal),
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
