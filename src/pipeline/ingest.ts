import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CleaningConfig, DEFAULT_CLEANING, mergeCleaningConfig } from '../data/cleaning-config.js';
import { InputError } from '../data/errors.js';
import { type ColumnMapping, parseMapping } from '../data/layouts.js';
import { type StagedFile, stageCsvFile } from '../data/stage-file.js';
import { cleanTablesStale, rebuildCleanTables } from '../store/clean.js';
import { type CleaningRuleCount, cleaningCounts, cleaningReport } from '../store/report.js';
import { RAW_TABLE } from '../store/schema.js';
import { type Workspace, sqlString } from '../store/workspace.js';

export interface IngestOptions {
  /** Path of a JSON column mapping applied to every file (see data/layouts.ts). */
  mapPath?: string;
  /** Path of a JSON cleaning configuration; stored in the workspace for later runs. */
  configPath?: string;
  /** Progress of the current stage, 0..1, with a label. */
  onProgress?: (label: string, fraction: number) => void;
}

export interface FileReport {
  path: string;
  layout: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_new: number;
  blank_lines: number;
}

/** What one ingest did. `rows_read = rows_loaded + rows_rejected` for every file and in total. */
export interface IngestReport {
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** loaded rows not already in the workspace (the rest were there from an earlier ingest) */
  rows_new: number;
  blank_lines: number;
  /** SKUs with demand among this ingest's rows */
  skus: number;
  first_date: string | null;
  last_date: string | null;
  /** rule → rows affected, over this ingest's rows */
  cleaning: Record<string, number>;
  cleaning_detail: CleaningRuleCount[];
  files: FileReport[];
  rejects_csv: string;
}

/** Reads the cleaning configuration: the given file, else the one stored in the workspace, else the defaults. */
/** Builds the derived tables when a workspace has none yet (never ingested) or they are stale (an interrupted ingest, changed settings). */
export async function ensureCleanTables(ws: Workspace): Promise<void> {
  if (await cleanTablesStale(ws)) await rebuildCleanTables(ws, await loadCleaningConfig(ws));
}

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
    for (const pattern of [config.cancellations.orderIdPattern, ...Object.values(config.nonProduct.productSkuPattern)]) {
      try {
        await ws.all(`SELECT regexp_matches('x', ${sqlString(pattern)}) AS ok`);
      } catch (e) {
        throw new InputError(`${configPath}: '${pattern}' is not a regular expression DuckDB accepts: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    return config;
  }
  const stored = await ws.all(`SELECT value FROM meta WHERE key = 'cleaning_config'`);
  return stored.length === 1 ? mergeCleaningConfig('workspace', JSON.parse(stored[0]!['value'] as string)) : DEFAULT_CLEANING;
}

function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function checkReadable(path: string): void {
  let st;
  try {
    st = statSync(path);
    accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a directory, not a file`);
  if (st.size === 0) throw new InputError(`${path}: file is empty`);
}

async function isParquet(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

const PARQUET_ROW = '__shopcast_row';

/** Parquet goes through the same row checks as CSV: DuckDB writes it out as CSV with each row's number. */
async function parquetToCsv(ws: Workspace, path: string, out: string): Promise<void> {
  try {
    await ws.run(`COPY (SELECT file_row_number AS ${PARQUET_ROW}, * EXCLUDE (file_row_number)
      FROM read_parquet(${sqlString(path)}, file_row_number = true)) TO ${sqlString(out)} (HEADER, DELIMITER ',')`);
  } catch (e) {
    throw new InputError(`${path}: cannot read as Parquet: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** DuckDB's read_csv option for lines longer than its 2 MB default (a larger limit slows every read). */
function lineSize(bytes: number): string {
  return bytes > 2_000_000 ? `max_line_size = ${bytes}, ` : '';
}

/** Loads one staged file's good rows into a temp table with each row's identity (row_key, occurrence). */
async function loadStage(ws: Workspace, staged: StagedFile, table: string): Promise<void> {
  const kind = staged.layout.spec.kind;
  const types = RAW_TABLE[kind].types;
  const colDefs = [`'line': 'BIGINT'`, ...staged.columns.map((c) => `'${c}': 'VARCHAR'`)].join(', ');
  const keyText = staged.columns.map((c) => `coalesce(${c}, chr(0))`).join(', ');
  const typed = staged.columns.map((c) => `CAST(${c} AS ${types[c]}) AS ${c}`).join(', ');
  await ws.run(`
    CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT line, md5_number(concat_ws(chr(31), ${keyText})) AS row_key, ${typed}
    FROM read_csv(${sqlString(staged.goodPath)}, header = true, auto_detect = false, delim = ',', quote = '"',
      escape = '"', ${lineSize(staged.maxLineBytes)}columns = {${colDefs}})`);
  await ws.run(`
    CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT *, row_number() OVER (PARTITION BY row_key ORDER BY line)::INTEGER AS occurrence FROM ${table}`);
}

/**
 * Ingests shop files into the workspace: reads and checks every row (bad rows go to the rejects
 * table and `rejects.csv` with file, line and reason), appends the rows not yet stored, rebuilds
 * the cleaned tables and reports what this ingest read, loaded, rejected and cleaned.
 */
export async function ingestFiles(ws: Workspace, paths: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
  if (paths.length === 0) throw new InputError('ingest: no files given');
  for (const p of paths) checkReadable(p);
  const mapping: ColumnMapping | undefined =
    options.mapPath === undefined ? undefined : parseMapping(options.mapPath, readInputFile(options.mapPath));
  const config = await loadCleaningConfig(ws, options.configPath);
  const progress = options.onProgress ?? (() => {});
  const tmp = join(ws.dir, 'tmp', `ingest-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const started = (await ws.one('SELECT now()::TIMESTAMP::VARCHAR AS t'))['t'] as string;
  try {
    const staged: { path: string; staged: StagedFile }[] = [];
    for (const [i, p] of paths.entries()) {
      const abs = resolve(p);
      let source = abs;
      let lineColumn: string | undefined;
      if (await isParquet(abs)) {
        source = join(tmp, `file${i}.parquet.csv`);
        await parquetToCsv(ws, abs, source);
        lineColumn = PARQUET_ROW;
      }
      const s = await stageCsvFile(source, join(tmp, `file${i}`), {
        mapping,
        lineColumn,
        displayName: p,
        onProgress: (read, total) => progress(`reading ${p}`, total > 0 ? read / total : 1),
      });
      staged.push({ path: abs, staged: s });
    }

    progress('loading into the workspace', 0);
    // The raw rows land in one transaction; the derived tables are rebuilt after it, outside any
    // transaction (DuckDB keeps every replaced table in memory until a transaction ends). Should
    // that rebuild not finish, clean_state stays 'stale' and the next command rebuilds.
    const { ingestId, files } = await ws.transaction(async () => {
      const ingestId = ((await ws.one('SELECT coalesce(max(ingest_id), 0)::INTEGER + 1 AS id FROM ingests'))['id'] as number);
      let fileId = (await ws.one('SELECT coalesce(max(file_id), 0)::INTEGER AS id FROM files'))['id'] as number;
      await ws.run('CREATE OR REPLACE TEMP TABLE ingest_scope (row_key UHUGEINT, occurrence INTEGER)');
      const files: FileReport[] = [];
      for (const [i, { path, staged: s }] of staged.entries()) {
        fileId++;
        const { table, types } = RAW_TABLE[s.layout.spec.kind];
        const stage = `stage_${i}`;
        await loadStage(ws, s, stage);
        const before = (await ws.one(`SELECT count(*)::DOUBLE AS n FROM ${table}`))['n'] as number;
        const cols = Object.keys(types);
        const select = cols.map((c) => (s.columns.includes(c) ? c : `NULL AS ${c}`)).join(', ');
        await ws.run(`
          INSERT INTO ${table} (row_key, occurrence, file_id, line, layout, ${cols.join(', ')})
          SELECT row_key, occurrence, ${fileId}, line, ${sqlString(s.layout.name)}, ${select}
          FROM ${stage} s ANTI JOIN ${table} r USING (row_key, occurrence)`);
        const rowsNew = ((await ws.one(`SELECT count(*)::DOUBLE AS n FROM ${table}`))['n'] as number) - before;
        await ws.run(`INSERT INTO ingest_scope SELECT row_key, occurrence FROM ${stage}`);
        await ws.run(`DROP TABLE ${stage}`);
        await ws.run(`
          INSERT INTO rejected_rows
          WITH r AS (
            SELECT line, reason, coalesce(raw, '') AS raw, md5_number(coalesce(raw, '')) AS reject_key
            FROM read_csv(${sqlString(s.rejectPath)}, header = true, auto_detect = false, delim = ',', quote = '"',
              escape = '"', ${lineSize(s.maxLineBytes)}columns = {'line': 'BIGINT', 'reason': 'VARCHAR', 'raw': 'VARCHAR'})),
          k AS (SELECT *, row_number() OVER (PARTITION BY reject_key ORDER BY line)::INTEGER AS occurrence FROM r)
          SELECT reject_key, occurrence, ${fileId}, ${sqlString(path)}, line, reason, raw
          FROM k ANTI JOIN (SELECT reject_key, occurrence FROM rejected_rows WHERE path = ${sqlString(path)}) USING (reject_key, occurrence)`);
        await ws.run(`INSERT INTO files VALUES (${fileId}, ${ingestId}, ${sqlString(path)}, ${sqlString(s.layout.name)},
          ${sqlString(s.layout.spec.kind)}, ${s.bytes}, ${s.rowsRead}, ${s.rowsLoaded}, ${s.rowsRejected}, ${rowsNew}, ${s.blankLines})`);
        files.push({
          path,
          layout: s.layout.name,
          rows_read: s.rowsRead,
          rows_loaded: s.rowsLoaded,
          rows_rejected: s.rowsRejected,
          rows_new: rowsNew,
          blank_lines: s.blankLines,
        });
      }
      await ws.run(`INSERT OR REPLACE INTO meta VALUES ('cleaning_config', ${sqlString(JSON.stringify(config))})`);
      await ws.run(`INSERT OR REPLACE INTO meta VALUES ('clean_state', 'stale')`);
      return { ingestId, files };
    });
    await rebuildCleanTables(ws, config, progress);
    const report = await (async () => {
      const sum = (k: keyof FileReport): number => files.reduce((a, f) => a + (f[k] as number), 0);
      const detail = await cleaningReport(ws, 'ingest_scope', sum('rows_rejected'));
      const span = await ws.one(`
        WITH sc AS (
          SELECT sku, date, status FROM order_lines SEMI JOIN ingest_scope USING (row_key, occurrence)
          UNION ALL SELECT sku, date, status FROM daily_sales SEMI JOIN ingest_scope USING (row_key, occurrence))
        SELECT count(DISTINCT sku) FILTER (WHERE status = 'sale')::INTEGER AS skus,
          min(date)::VARCHAR AS first_date, max(date)::VARCHAR AS last_date FROM sc`);
      const rejectsCsv = join(ws.dir, 'rejects.csv');
      const out: IngestReport = {
        rows_read: sum('rows_read'),
        rows_loaded: sum('rows_loaded'),
        rows_rejected: sum('rows_rejected'),
        rows_new: sum('rows_new'),
        blank_lines: sum('blank_lines'),
        skus: span['skus'] as number,
        first_date: span['first_date'] as string | null,
        last_date: span['last_date'] as string | null,
        cleaning: cleaningCounts(detail),
        cleaning_detail: detail,
        files,
        rejects_csv: rejectsCsv,
      };
      await ws.run(`INSERT INTO ingests VALUES (${ingestId}, ${sqlString(started)}, now(), ${files.length},
        ${out.rows_read}, ${out.rows_loaded}, ${out.rows_rejected}, ${out.rows_new}, ${sqlString(JSON.stringify(out))})`);
      await ws.run('DROP TABLE ingest_scope');
      return out;
    })();
    await writeRejectsCsv(ws, report.rejects_csv);
    progress('done', 1);
    return report;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes every rejected row of the workspace to a CSV file: file, line, reason, raw. */
export async function writeRejectsCsv(ws: Workspace, path: string): Promise<void> {
  await ws.run(`COPY (SELECT path AS file, line, reason, raw FROM rejected_rows ORDER BY file_id, line)
    TO ${sqlString(path)} (HEADER, DELIMITER ',')`);
}
