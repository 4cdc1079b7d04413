import { accessSync, constants, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CleaningConfig, mergeCleaningConfig } from '../data/cleaning-config.js';
import { CSV_ENCODINGS, type CsvEncoding } from '../data/csv-reader.js';
import type { DateOrder } from '../data/date-order.js';
import { InputError } from '../data/errors.js';
import { type ColumnMapping, parseMapping } from '../data/layouts.js';
import { type StagedFile, stageCsvFile } from '../data/stage-file.js';
import { bundleProblem, rebuildCleanTables, storedCleaningConfig } from '../store/clean.js';
import { type CleaningRuleCount, cleaningCounts, cleaningReport } from '../store/cleaning-report.js';
import {
  PARQUET_ROW,
  beginIngestScope,
  checkRegex,
  dbNow,
  endIngestScope,
  ingestScopeSpan,
  noSalesRows,
  lastSalesDay,
  nextIngestIds,
  parquetToCsv,
  recordIngest,
  setMeta,
  storeStagedFile,
  writeRejectsCsv,
} from '../store/ingest.js';
import type { Workspace } from '../store/workspace.js';

/** Options of `ingestFiles`. */
export interface IngestOptions {
  /** Path of a JSON column mapping applied to every file (see data/layouts.ts). */
  mapPath?: string | undefined;
  /** Path of a JSON cleaning configuration; stored in the workspace for later runs. */
  configPath?: string | undefined;
  /**
   * The day the stock files' on-hand was counted (`YYYY-MM-DD`), for rows without a date of their own; by default
   * the last day of sales data in the workspace once this ingest's sales are in. Each date is a stock snapshot.
   */
  stockDate?: string | undefined;
  /** Progress of the current stage, 0..1, with a label. */
  onProgress?: (label: string, fraction: number) => void;
  /** How dates like 03/04/2024 are read (`dmy` or `mdy`), over a mapping's; else each file's dates decide. */
  dateOrder?: DateOrder | undefined;
  /** The files' text encoding: `utf-8` (default), `windows-1252` or `latin1` (read as windows-1252). */
  encoding?: CsvEncoding | undefined;
  /** The clock: sales dated after its day (plus a day of time-zone slack) are rejected; default now. */
  now?: Date | undefined;
  /**
   * Stages one file (default `stageCsvFile`, in this thread): the service passes one that runs it in a worker thread,
   * as reading a large file blocks the event loop for a quarter of a second at a time.
   */
  stageFile?: typeof stageCsvFile | undefined;
}

/** What one ingest did with one file. `rows_read = rows_loaded + rows_rejected`. */
export interface FileReport {
  /** the file's absolute path */
  path: string;
  /** the layout recognised, e.g. `uci-online-retail`, `daily-sales`, `mapped` */
  layout: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** loaded rows not already in the workspace */
  rows_new: number;
  /** empty lines skipped (not rows) */
  blank_lines: number;
  /**
   * lines of the file (header included; of its CSV copy for Parquet):
   * `physical_lines = 1 + rows_loaded + rows_rejected + blank_lines + continuation_lines`
   */
  physical_lines: number;
  /** lines after the first of records spanning several lines (quoted fields with line breaks) */
  continuation_lines: number;
  /** rejected lines that are not valid UTF-8: the file may need another `encoding` */
  invalid_utf8_lines: number;
  /** how dates like 03/04/2024 were read: `dmy`, `mdy`, or null when the file has none */
  date_order: DateOrder | null;
}

/** What one ingest did. `rows_read = rows_loaded + rows_rejected` for every file and in total. */
export interface IngestReport {
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** loaded rows not already in the workspace (the rest were there from an earlier ingest) */
  rows_new: number;
  blank_lines: number;
  physical_lines: number;
  continuation_lines: number;
  /** SKUs with demand among this ingest's rows */
  skus: number;
  first_date: string | null;
  last_date: string | null;
  /** rule → rows affected, over this ingest's rows */
  cleaning: Record<string, number>;
  cleaning_detail: CleaningRuleCount[];
  files: FileReport[];
  rejects_csv: string;
  /**
   * the date this ingest's stock rows without a date column of their own were given (their snapshot): --stock-date,
   * else the last sales day in the workspace; null when no stock file was ingested or nothing could date it
   */
  stock_date: string | null;
  /** wall-clock seconds: reading and checking the files, loading their rows, rebuilding the clean tables */
  seconds: { read: number; load: number; clean: number };
}

/**
 * Reads the cleaning configuration: the given JSON file merged over the defaults (its patterns
 * checked by DuckDB's RE2), else the one stored in the workspace, else the defaults. A bad file is
 * an InputError.
 * @example const config = await loadCleaningConfig(ws, 'cleaning.json'); // config.outliers.zScore …
 */
export async function loadCleaningConfig(ws: Workspace, configPath?: string): Promise<CleaningConfig> {
  if (configPath !== undefined) {
    const text = readInputFile(configPath);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${configPath}: not valid JSON: ${(e as Error).message}`);
    }
    let config: CleaningConfig;
    try {
      config = mergeCleaningConfig(configPath, parsed);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    // The patterns run in DuckDB (RE2 syntax: no lookahead or backreferences): try them there first.
    for (const pattern of [
      config.cancellations.orderIdPattern,
      ...Object.values(config.nonProduct.productSkuPattern),
    ]) {
      try {
        await checkRegex(ws, pattern);
      } catch (e) {
        throw new InputError(
          `${configPath}: '${pattern}' is not a regular expression DuckDB ` +
            `accepts: ${(e as Error).message.split('\n')[0]}`,
        );
      }
    }
    return config;
  }
  return storedCleaningConfig(ws);
}

function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const isStock = (s: StagedFile): boolean => s.layout.spec.kind === 'stock';

function checkReadable(path: string): void {
  let st;
  try {
    st = statSync(path);
    accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`,
    );
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a directory, not a file`);
  if (st.size === 0) throw new InputError(`${path}: file is empty`);
}

/**
 * The reading options checked: dateOrder dmy or mdy, encoding one of CSV_ENCODINGS; else an InputError naming it.
 * @example checkReadOptions({ dateOrder: 'dmy' })
 */
export function checkReadOptions(options: Pick<IngestOptions, 'dateOrder' | 'encoding'>): void {
  if (options.dateOrder !== undefined && options.dateOrder !== 'dmy' && options.dateOrder !== 'mdy')
    throw new InputError(`ingest: dateOrder must be dmy or mdy, got '${String(options.dateOrder)}'`, {
      field: 'dateOrder',
    });
  if (options.encoding !== undefined && !CSV_ENCODINGS.includes(options.encoding))
    throw new InputError(
      `ingest: encoding must be one of ${CSV_ENCODINGS.join(', ')}, got '${String(options.encoding)}'`,
      { field: 'encoding' },
    );
}

/** Whether the file starts with Parquet's magic bytes `PAR1`. */
export async function isParquet(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/** A `YYYY-MM-DD` calendar date, or an InputError naming the option. */
function checkStockDate(text: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (!ok)
    throw new InputError(`ingest: stockDate must be a date such as 2024-03-31, got '${text}'`, { field: 'stockDate' });
  return text;
}

/** Whether process `pid` is running (signal 0 checks without signalling; EPERM: it runs as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the staging folders (`tmp/ingest-<pid>`, and `tmp/batch-<pid>` of posted batches) that ingests killed before
 * their cleanup left behind: those whose process no longer runs. A live process's folder is never touched.
 */
export function removeStaleStaging(workspaceDir: string): string[] {
  const tmp = join(workspaceDir, 'tmp');
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^(?:ingest|batch)-(\d+)$/.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    rmSync(join(tmp, name), { recursive: true, force: true });
    removed.push(join(tmp, name));
  }
  return removed;
}

async function parquetAsCsv(ws: Workspace, path: string, out: string): Promise<void> {
  try {
    await parquetToCsv(ws, path, out);
  } catch (e) {
    throw new InputError(`${path}: cannot read as Parquet: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * Ingests shop files into the workspace: reads and checks every row (bad rows go to the rejects
 * table and `rejects.csv` with file, line and reason), appends the rows not yet stored, rebuilds
 * the cleaned tables and reports what this ingest read, loaded, rejected and cleaned. CSV (plain or
 * gzipped) and Parquet files; re-ingesting a file adds nothing (`rows_new` 0).
 * @example
 * const report = await ingestFiles(ws, ['orders.csv.gz', 'stock.csv'], { mapPath: 'map.json' });
 * report.rows_rejected; // details in report.rejects_csv
 */
export async function ingestFiles(
  ws: Workspace,
  paths: readonly string[],
  options: IngestOptions = {},
): Promise<IngestReport> {
  if (paths.length === 0) throw new InputError('ingest: no files given');
  for (const p of paths) checkReadable(p);
  const stockDate = options.stockDate === undefined ? undefined : checkStockDate(options.stockDate);
  checkReadOptions(options);
  const mapping: ColumnMapping | undefined =
    options.mapPath === undefined ? undefined : parseMapping(options.mapPath, readInputFile(options.mapPath));
  const config = await loadCleaningConfig(ws, options.configPath);
  const progress = options.onProgress ?? (() => {});
  removeStaleStaging(ws.dir);
  const tmp = join(ws.dir, 'tmp', `ingest-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const started = await dbNow(ws);
  let t = performance.now();
  const seconds = { read: 0, load: 0, clean: 0 };
  const lap = (k: keyof typeof seconds): void => {
    const now = performance.now();
    seconds[k] = Math.round((now - t) / 100) / 10;
    t = now;
  };
  try {
    const staged: { path: string; staged: StagedFile }[] = [];
    for (const [i, p] of paths.entries()) {
      const abs = resolve(p);
      let source = abs;
      let lineColumn: string | undefined;
      if (await isParquet(abs)) {
        source = join(tmp, `file${i}.parquet.csv`);
        await parquetAsCsv(ws, abs, source);
        lineColumn = PARQUET_ROW;
      }
      const s = await (options.stageFile ?? stageCsvFile)(source, join(tmp, `file${i}`), {
        mapping,
        lineColumn,
        displayName: p,
        dateOrder: options.dateOrder,
        // DuckDB writes a Parquet file's CSV copy in UTF-8
        encoding: lineColumn === undefined ? options.encoding : undefined,
        now: options.now ?? new Date(),
        onProgress: (read, total) => progress(`reading ${p}`, total > 0 ? read / total : 1),
      });
      staged.push({ path: abs, staged: s });
    }

    lap('read');
    progress('loading into the workspace', 0);
    // The raw rows land in one transaction; the derived tables are rebuilt after it, outside any
    // transaction (DuckDB keeps every replaced table in memory until a transaction ends). Should
    // that rebuild not finish, clean_state stays 'stale' and the next command rebuilds.
    const { ingestId, files, stockDateUsed, first } = await ws.transaction(async () => {
      const { ingestId, lastFileId } = await nextIngestIds(ws);
      // the workspace's first sales: every order line and daily value stored after this ingest is one it read
      const first = await noSalesRows(ws);
      await beginIngestScope(ws);
      const files: FileReport[] = [];
      // Stock files last: their snapshot date defaults to the last sales day, this ingest's sales included.
      const order = [...staged.keys()].sort(
        (a, b) => Number(isStock(staged[a]!.staged)) - Number(isStock(staged[b]!.staged)) || a - b,
      );
      let fill: Record<string, string> | undefined;
      for (const i of order) {
        const { path, staged: s } = staged[i]!;
        const fileId = lastFileId + 1 + i;
        if (isStock(s) && fill === undefined) {
          const date = stockDate ?? (await lastSalesDay(ws));
          fill = date === null ? {} : { date };
        }
        const { rowsNew } = await storeStagedFile(ws, s, {
          path,
          fileId,
          ingestId,
          stage: `stage_${i}`,
          ...(isStock(s) ? { fill: fill! } : {}),
          scoped: !first,
        });
        files[i] = {
          path,
          layout: s.layout.name,
          rows_read: s.rowsRead,
          rows_loaded: s.rowsLoaded,
          rows_rejected: s.rowsRejected,
          rows_new: rowsNew,
          blank_lines: s.blankLines,
          physical_lines: s.physicalLines,
          continuation_lines: s.continuationLines,
          invalid_utf8_lines: s.invalidUtf8Lines,
          date_order: s.dateOrder ?? null,
        };
      }
      // a bundle file that would make a bundle of itself or of bundles is refused whole (nothing of the ingest stays)
      if (staged.some(({ staged: s }) => s.layout.spec.kind === 'bundles')) {
        const problem = await bundleProblem(ws);
        if (problem !== null) throw new InputError(problem);
      }
      await setMeta(ws, 'cleaning_config', JSON.stringify(config));
      await setMeta(ws, 'clean_state', 'stale');
      return { ingestId, files, stockDateUsed: fill?.['date'] ?? null, first };
    });
    lap('load');
    await rebuildCleanTables(ws, config, progress);
    lap('clean');
    const report = await (async () => {
      const sum = (k: keyof FileReport): number => files.reduce((a, f) => a + (f[k] as number), 0);
      // the rows this ingest read; on a workspace's first sales, all of them (no join with the scope: 15 s of a
      // 29-million-line first ingest)
      const scope = first ? undefined : 'ingest_scope';
      const detail = await cleaningReport(ws, scope, sum('rows_rejected'));
      const span = await ingestScopeSpan(ws, scope);
      const rejectsCsv = join(ws.dir, 'rejects.csv');
      const out: IngestReport = {
        rows_read: sum('rows_read'),
        rows_loaded: sum('rows_loaded'),
        rows_rejected: sum('rows_rejected'),
        rows_new: sum('rows_new'),
        blank_lines: sum('blank_lines'),
        physical_lines: sum('physical_lines'),
        continuation_lines: sum('continuation_lines'),
        skus: span.skus,
        first_date: span.first_date,
        last_date: span.last_date,
        cleaning: cleaningCounts(detail),
        cleaning_detail: detail,
        files,
        rejects_csv: rejectsCsv,
        stock_date: stockDateUsed,
        seconds,
      };
      await recordIngest(ws, {
        ingestId,
        started,
        files: files.length,
        rowsRead: out.rows_read,
        rowsLoaded: out.rows_loaded,
        rowsRejected: out.rows_rejected,
        rowsNew: out.rows_new,
        report: out,
      });
      await endIngestScope(ws);
      return out;
    })();
    await writeRejectsCsv(ws, report.rejects_csv);
    progress('done', 1);
    return report;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export { writeRejectsCsv };
