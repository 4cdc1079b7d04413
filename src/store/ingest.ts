/**
 * The ingest's writes: staged files (good rows as CSV, rejects as CSV, data/stage-file.ts) become
 * raw rows with their identity, rejected rows, a `files` row per file and an `ingests` row.
 * Paths and values are bound parameters; names come from the layouts (checked by `ident`).
 */
import type { StagedFile } from '../data/stage-file.js';
import { RAW_TABLE } from './schema.js';
import { type Sql, ident, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** The column holding each Parquet row's number in its CSV copy. */
export const PARQUET_ROW = '__shopcast_row';

/**
 * A path DuckDB's readers take as exactly that file: they read a path as a glob, so `*`, `?` and `[`
 * are each put in a bracket class of their own (`sales*.parquet` → `sales[*].parquet`).
 * @example literalPath('/shop/sales*.parquet') // '/shop/sales[*].parquet'
 */
export function literalPath(path: string): string {
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** Parquet goes through the same row checks as CSV: DuckDB writes it out as CSV with each row's number. */
export async function parquetToCsv(ws: Workspace, path: string, out: string): Promise<void> {
  await ws.run(sql`COPY (SELECT file_row_number AS ${ident(PARQUET_ROW)}, * EXCLUDE (file_row_number)
      FROM read_parquet(${literalPath(path)}, file_row_number = true)) TO ${out} (FORMAT csv, HEADER, DELIMITER ',')`);
}

/**
 * A struct of column names and types as DuckDB's readers take it (`columns = {…}`, `types = {…}`): `'name': 'TYPE', …`,
 * each name and type checked as a plain name (spliced: a table function's named parameter is not bound).
 * @example columnTypes([['sku', 'VARCHAR']]).text // "'sku': 'VARCHAR'"
 */
export function columnTypes(columns: readonly (readonly [string, string])[]): Sql {
  return joinSql(columns.map(([name, type]) => raw(`'${ident(name).text}': '${ident(type).text}'`)));
}

/**
 * read_csv of a staged file (or of several with the same columns, each row with its file's path as `filename`) with
 * its column types; lines over DuckDB's 2 MB default get a larger limit.
 */
function readStaged(path: string | readonly string[], columns: readonly [string, string][], maxLineBytes: number): Sql {
  const cols = columnTypes(columns);
  const size = maxLineBytes > 2_000_000 ? sql`max_line_size = ${Math.ceil(maxLineBytes)}::BIGINT, ` : raw('');
  const files =
    typeof path === 'string'
      ? sql`${literalPath(path)}`
      : sql`[${joinSql(path.map((p) => sql`${literalPath(p)}`))}], filename = true`;
  return sql`read_csv(${files}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    ${size}columns = {${cols}})`;
}

/**
 * The good rows of a staged file with each row's identity: `line, row_key` and its columns typed; an empty value of a
 * column in `fill` takes the value given there (part of the identity too).
 */
function stagedRowsSql(staged: StagedFile, fill: Readonly<Record<string, string>>): Sql {
  const types = RAW_TABLE[staged.layout.spec.kind].types;
  const value = (c: string): Sql => (fill[c] === undefined ? sql`${ident(c)}` : sql`coalesce(${ident(c)}, ${fill[c]})`);
  const keyText = joinSql(staged.columns.map((c) => sql`coalesce(${value(c)}, chr(0))`));
  const typed = joinSql(staged.columns.map((c) => sql`CAST(${value(c)} AS ${ident(types[c]!)}) AS ${ident(c)}`));
  const source = readStaged(
    staged.goodPath,
    [['line', 'BIGINT'], ...staged.columns.map((c): [string, string] => [c, 'VARCHAR'])],
    staged.maxLineBytes,
  );
  return sql`SELECT line, md5_number(concat_ws(chr(31), ${keyText})) AS row_key, ${typed} FROM ${source}`;
}

/**
 * Numbers the rows of table `name` (those `where` selects, all with occurrence 1) whose key repeats among them: their
 * occurrence 1, 2, … in line order. Only the few rows of repeated keys are sorted (a window over every row carried all
 * its columns through a sort: at 29 million lines, it spilled).
 */
async function numberRepeats(ws: Workspace, name: string, where: Sql): Promise<void> {
  const table = ident(name);
  await ws.run(sql`
    UPDATE ${table} SET occurrence = r.occurrence
    FROM (
      SELECT line, row_number() OVER (PARTITION BY row_key ORDER BY line)::INTEGER AS occurrence FROM ${table}
      WHERE ${where}
        AND row_key IN (SELECT row_key FROM ${table} WHERE ${where} GROUP BY row_key HAVING count(*) > 1)) r
    WHERE ${where} AND ${table}.line = r.line AND r.occurrence > 1`);
}

export interface StoredFile {
  rowsNew: number;
}

/** The next ingest id and the last file id used. */
export async function nextIngestIds(ws: Workspace): Promise<{ ingestId: number; lastFileId: number }> {
  const i = await ws.one<{ id: number }>('SELECT coalesce(max(ingest_id), 0)::INTEGER + 1 AS id FROM ingests');
  const f = await ws.one<{ id: number }>('SELECT coalesce(max(file_id), 0)::INTEGER AS id FROM files');
  return { ingestId: i.id, lastFileId: f.id };
}

/** Starts the scope of an ingest: the identities of the rows it read (`ingest_scope`). */
export async function beginIngestScope(ws: Workspace): Promise<void> {
  await ws.run('CREATE OR REPLACE TEMP TABLE ingest_scope (row_key UHUGEINT, occurrence INTEGER)');
}

export async function endIngestScope(ws: Workspace): Promise<void> {
  await ws.run('DROP TABLE ingest_scope');
}

/**
 * Stores one staged file: its rows not yet in the workspace, its rejected rows not yet stored for
 * this path, and its `files` row. Returns how many raw rows were new. `fill` gives the value of a
 * column its rows leave empty (a stock file's snapshot date).
 */
export async function storeStagedFile(
  ws: Workspace,
  s: StagedFile,
  o: {
    path: string;
    fileId: number;
    ingestId: number;
    stage: string;
    fill?: Readonly<Record<string, string>>;
    /** false: the ingest needs no `ingest_scope` of the file's rows (its first sales: all rows are its own) */
    scoped?: boolean;
  },
): Promise<StoredFile> {
  const { table, types } = RAW_TABLE[s.layout.spec.kind];
  const t = ident(table);
  const stage = ident(o.stage);
  const count = async (): Promise<number> =>
    (await ws.one<{ n: number }>(sql`SELECT count(*)::DOUBLE AS n FROM ${t}`)).n;
  const before = await count();
  const cols = Object.keys(types);
  const names = joinSql(cols.map((c) => sql`${ident(c)}`));
  const select = joinSql(cols.map((c) => (s.columns.includes(c) ? sql`${ident(c)}` : sql`NULL AS ${ident(c)}`)));
  const rows = stagedRowsSql(s, o.fill ?? {});
  if (before === 0) {
    // nothing stored to compare with: every row is new, written once, straight from the file
    await ws.run(sql`
      INSERT INTO ${t} (row_key, occurrence, file_id, line, layout, ${names})
      SELECT row_key, 1, ${o.fileId}::INTEGER, line, ${s.layout.name}, ${select} FROM (${rows})`);
    const own = sql`file_id = ${o.fileId}::INTEGER`;
    await numberRepeats(ws, table, own);
    if (o.scoped !== false)
      await ws.run(sql`INSERT INTO ingest_scope SELECT row_key, occurrence FROM ${t} WHERE ${own}`);
  } else {
    // the rows materialised once, in the file's order, each an occurrence 1, then the repeats numbered
    await ws.run(sql`CREATE OR REPLACE TEMP TABLE ${stage} AS SELECT *, 1::INTEGER AS occurrence FROM (${rows})`);
    await numberRepeats(ws, o.stage, raw('TRUE'));
    await ws.run(sql`
      INSERT INTO ${t} (row_key, occurrence, file_id, line, layout, ${names})
      SELECT row_key, occurrence, ${o.fileId}::INTEGER, line, ${s.layout.name}, ${select}
      FROM ${stage} s ANTI JOIN ${t} r USING (row_key, occurrence)`);
    await ws.run(sql`INSERT INTO ingest_scope SELECT row_key, occurrence FROM ${stage}`);
    await ws.run(sql`DROP TABLE ${stage}`);
  }
  const rowsNew = (await count()) - before;
  const rejects = readStaged(
    s.rejectPath,
    [
      ['line', 'BIGINT'],
      ['reason', 'VARCHAR'],
      ['raw', 'VARCHAR'],
    ],
    s.maxLineBytes,
  );
  // nothing to store for a file without rejected rows (an order batch is refused whole before it gets here)
  if (s.rowsRejected > 0)
    await ws.run(sql`
    INSERT INTO rejected_rows
    WITH r AS (
      SELECT line, reason, coalesce(raw, '') AS raw, md5_number(coalesce(raw, '')) AS reject_key FROM ${rejects}),
    k AS (SELECT *, row_number() OVER (PARTITION BY reject_key ORDER BY line)::INTEGER AS occurrence FROM r)
    SELECT reject_key, occurrence, ${o.fileId}::INTEGER, ${o.path}, line, reason, raw
    FROM k ANTI JOIN (SELECT reject_key, occurrence FROM rejected_rows WHERE path = ${o.path})
      USING (reject_key, occurrence)`);
  await ws.run(sql`INSERT INTO files VALUES (${o.fileId}::INTEGER, ${o.ingestId}::INTEGER, ${o.path}, ${s.layout.name},
    ${s.layout.spec.kind}, ${s.bytes}::BIGINT, ${s.rowsRead}::BIGINT, ${s.rowsLoaded}::BIGINT,
    ${s.rowsRejected}::BIGINT, ${rowsNew}::BIGINT, ${s.blankLines}::BIGINT)`);
  return { rowsNew };
}

/** One staged batch of a group (`storeStagedBatches`): its file and ingest ids. */
export interface StagedBatch {
  staged: StagedFile;
  fileId: number;
  ingestId: number;
}

/**
 * Stores a group of staged batches (order batches or stock snapshots posted as JSON, none with rejected rows) as if
 * stored one after the other in `fileId` order, with one staging query and one anti-join: each row's identity is
 * computed once (`row_key`; `occurrence` counts identical rows within its batch), a row already stored or brought by
 * an earlier batch of the group is not new, and every batch gets its `files` row. Call it inside a transaction (with
 * the batches' `ingests` rows: `recordIngests`). Returns the new rows of each batch, in the order given.
 */
export async function storeStagedBatches(
  ws: Workspace,
  batches: readonly StagedBatch[],
  o: { path: string; fill?: Readonly<Record<string, string>> },
): Promise<number[]> {
  if (batches.length === 0) return [];
  const first = batches[0]!.staged;
  const { table, types } = RAW_TABLE[first.layout.spec.kind];
  const t = ident(table);
  for (const b of batches)
    if (b.staged.layout.spec.kind !== first.layout.spec.kind || b.staged.columns.join() !== first.columns.join())
      throw new Error('storeStagedBatches: the batches of a group must have the same kind and columns');
  const fill = o.fill ?? {};
  const value = (c: string): Sql => (fill[c] === undefined ? sql`${ident(c)}` : sql`coalesce(${ident(c)}, ${fill[c]})`);
  // the identity as loadStage computes it for a file (same text, same hash)
  const keyText = joinSql(first.columns.map((c) => sql`coalesce(${value(c)}, chr(0))`));
  const typed = joinSql(first.columns.map((c) => sql`CAST(${value(c)} AS ${ident(types[c]!)}) AS ${ident(c)}`));
  // one reader over the batches' files; each row takes its batch's file id by its file's path
  const source = readStaged(
    batches.map((b) => b.staged.goodPath),
    [['line', 'BIGINT'], ...first.columns.map((c): [string, string] => [c, 'VARCHAR'])],
    Math.max(...batches.map((b) => b.staged.maxLineBytes)),
  );
  const ids = joinSql(batches.map((b) => sql`(${b.staged.goodPath}, ${b.fileId}::INTEGER)`));
  await ws.run(sql`
    CREATE OR REPLACE TEMP TABLE stage_group AS
    WITH s AS (
      SELECT f.file_id, line, md5_number(concat_ws(chr(31), ${keyText})) AS row_key, ${typed}
      FROM ${source} JOIN (VALUES ${ids}) f(path, file_id) ON f.path = filename),
    k AS (SELECT *, row_number() OVER (PARTITION BY file_id, row_key ORDER BY line)::INTEGER AS occurrence FROM s)
    -- stored one after the other: a row an earlier batch of the group brings is not new in a later one
    SELECT * FROM k ANTI JOIN ${t} r USING (row_key, occurrence)
    QUALIFY row_number() OVER (PARTITION BY row_key, occurrence ORDER BY file_id) = 1`);
  const cols = Object.keys(types);
  const names = joinSql(cols.map((c) => sql`${ident(c)}`));
  const select = joinSql(cols.map((c) => (first.columns.includes(c) ? sql`${ident(c)}` : sql`NULL AS ${ident(c)}`)));
  await ws.run(sql`
    INSERT INTO ${t} (row_key, occurrence, file_id, line, layout, ${names})
    SELECT row_key, occurrence, file_id, line, ${first.layout.name}, ${select}
    FROM stage_group ORDER BY file_id, line`);
  const counts = await ws.all<{ file_id: number; n: number }>(
    'SELECT file_id, count(*)::INTEGER AS n FROM stage_group GROUP BY file_id',
  );
  await ws.run('DROP TABLE stage_group');
  const fresh = new Map(counts.map((c) => [c.file_id, c.n]));
  const rowsNew = batches.map((b) => fresh.get(b.fileId) ?? 0);
  const rows = batches.map((b, k) => {
    const s = b.staged;
    return sql`(${b.fileId}::INTEGER, ${b.ingestId}::INTEGER, ${o.path}, ${s.layout.name}, ${s.layout.spec.kind},
      ${s.bytes}::BIGINT, ${s.rowsRead}::BIGINT, ${s.rowsLoaded}::BIGINT, ${s.rowsRejected}::BIGINT,
      ${rowsNew[k]!}::BIGINT, ${s.blankLines}::BIGINT)`;
  });
  await ws.run(sql`INSERT INTO files VALUES ${joinSql(rows)}`);
  return rowsNew;
}

/** The last day of sales data in the raw rows (order lines and daily sales), or null when there are none. */
export async function lastSalesDay(ws: Workspace): Promise<string | null> {
  const r = await ws.one<{ d: string | null }>(`
    SELECT greatest((SELECT max(ordered_at)::DATE FROM raw_order_lines),
      (SELECT max(date) FROM raw_daily_sales))::VARCHAR AS d`);
  return r.d;
}

/** Sets a `meta` value (the cleaning configuration, the clean state…). */
export async function setMeta(ws: Workspace, key: string, value: string): Promise<void> {
  await ws.run(sql`INSERT OR REPLACE INTO meta VALUES (${key}, ${value})`);
}

/** The database's clock, as text (the ingest's start). */
export async function dbNow(ws: Workspace): Promise<string> {
  return (await ws.one<{ t: string }>('SELECT now()::TIMESTAMP::VARCHAR AS t')).t;
}

/**
 * SKUs with demand and the date span among the rows of the scope table (`row_key, occurrence` of the rows an ingest
 * read: `ingest_scope`), or among every row without one.
 */
export async function ingestScopeSpan(
  ws: Workspace,
  scopeTable: string | undefined,
): Promise<{ skus: number; first_date: string | null; last_date: string | null }> {
  const semi = scopeTable === undefined ? raw('') : sql`SEMI JOIN ${ident(scopeTable)} USING (row_key, occurrence)`;
  return ws.one(sql`
    WITH sc AS (
      SELECT sku, date, status FROM order_lines ${semi}
      UNION ALL SELECT sku, date, status FROM daily_sales ${semi})
    SELECT count(DISTINCT sku) FILTER (WHERE status = 'sale')::INTEGER AS skus,
      min(date)::VARCHAR AS first_date, max(date)::VARCHAR AS last_date FROM sc`);
}

/** True when the workspace holds no order line and no daily sales value (raw rows). */
export async function noSalesRows(ws: Workspace): Promise<boolean> {
  const r = await ws.one<{ n: number }>(`SELECT ((SELECT count(*) FROM raw_order_lines)
    + (SELECT count(*) FROM raw_daily_sales))::DOUBLE AS n`);
  return r.n === 0;
}

/** Records an ingest run with its report (JSON). */
export async function recordIngest(
  ws: Workspace,
  r: {
    ingestId: number;
    started: string;
    files: number;
    rowsRead: number;
    rowsLoaded: number;
    rowsRejected: number;
    rowsNew: number;
    report: unknown;
  },
): Promise<void> {
  await ws.run(sql`INSERT INTO ingests VALUES (${r.ingestId}::INTEGER, ${r.started}::TIMESTAMP, now(),
    ${r.files}::INTEGER, ${r.rowsRead}::BIGINT, ${r.rowsLoaded}::BIGINT, ${r.rowsRejected}::BIGINT,
    ${r.rowsNew}::BIGINT, ${JSON.stringify(r.report)})`);
}

/** Records several ingest runs (a group of batches, `storeStagedBatches`) in one statement. */
export async function recordIngests(ws: Workspace, runs: readonly Parameters<typeof recordIngest>[1][]): Promise<void> {
  if (runs.length === 0) return;
  const rows = runs.map(
    (r) => sql`(${r.ingestId}::INTEGER, ${r.started}::TIMESTAMP, now(), ${r.files}::INTEGER, ${r.rowsRead}::BIGINT,
      ${r.rowsLoaded}::BIGINT, ${r.rowsRejected}::BIGINT, ${r.rowsNew}::BIGINT, ${JSON.stringify(r.report)})`,
  );
  await ws.run(sql`INSERT INTO ingests VALUES ${joinSql(rows)}`);
}

/**
 * Writes every rejected row of the workspace to a CSV file with a header: file, line, reason and
 * the raw text, in file and line order (DuckDB COPY).
 * @example await writeRejectsCsv(ws, 'rejects.csv');
 */
export async function writeRejectsCsv(ws: Workspace, path: string): Promise<void> {
  // the raw text is the user's: a cell starting like a formula is shown as text (data/csv-format.ts)
  const formula = String.raw`^[=+\-@\t\r]`;
  const safe = (col: string): Sql =>
    sql`CASE WHEN regexp_matches(${ident(col)}, ${formula}) THEN '''' || ${ident(col)} ELSE ${ident(col)} END`;
  await ws.run(sql`COPY (SELECT ${safe('path')} AS file, line, ${safe('reason')} AS reason, ${safe('raw')} AS raw
    FROM rejected_rows ORDER BY file_id, line)
    TO ${path} (FORMAT csv, HEADER, DELIMITER ',')`);
}

/** Checks a regular expression the way the cleaning step will run it (DuckDB's RE2); throws DuckDB's message. */
export async function checkRegex(ws: Workspace, pattern: string): Promise<void> {
  await ws.all(sql`SELECT regexp_matches('x', ${pattern}) AS ok`);
}
