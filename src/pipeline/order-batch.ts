/**
 * Live updates: order lines and stock snapshots posted as JSON (the service's batches). A batch is one more file of
 * the workspace: its rows go through the same row checker and the same staging and store code as a file's
 * (data/stage-file.ts `stageFieldRows`, store/ingest.ts `storeStagedFile`), so a line has the identity
 * (row_key, occurrence) the same line has in a file, and posting it twice (or posting a line a file already brought)
 * stores it once. An order batch is then cleaned for the SKUs it touched only (store/clean.ts
 * `rebuildCleanTablesForSkus`), which gives the tables a full rebuild gives.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BULK_SLACK_DAYS, type DateLimit, todayLimit } from '../data/date-range.js';
import { InputError } from '../data/errors.js';
import { ORDER_LINES, STOCK } from '../data/layouts.js';
import { type FieldRowReject, type StagedFile, stageFieldRows } from '../data/stage-file.js';
import { parseTimestamp } from '../data/values.js';
import {
  type CleanExtent,
  cleanTablesStale,
  rebuildCleanTables,
  rebuildCleanTablesForSkus,
  derivedTablesExist,
  storedCleaningConfig,
} from '../store/clean.js';
import {
  beginIngestScope,
  dbNow,
  endIngestScope,
  lastSalesDay,
  nextIngestIds,
  recordIngest,
  recordIngests,
  setMeta,
  storeStagedBatches,
  storeStagedFile,
} from '../store/ingest.js';
import { latestOrderLinesLayout } from '../store/order-batch.js';
import type { Workspace } from '../store/workspace.js';

/** One order line as posted (the order-lines input contract, DESIGN.md). */
export interface OrderLineInput {
  order_id: string;
  /** ISO 8601 (`2011-12-09T12:50:00`, a date alone, seconds optional); an offset is accepted and dropped (below). */
  ordered_at: string;
  sku: string;
  /** negative: a return */
  quantity: number;
  unit_price: number;
  customer_id?: string | null;
  country?: string | null;
  channel?: string | null;
  description?: string | null;
}

/** What `postOrderLines` stored and cleaned. */
export interface OrderBatchResult {
  /** the batch's `files.file_id` */
  batch_id: number;
  lines: number;
  /** lines not already in the workspace (0 when the same batch is posted again) */
  lines_new: number;
  /** the SKUs of the batch's lines, sorted (also when nothing was new: a caller may refresh them again) */
  skus: string[];
  /** the days of the batch's first and last lines (`YYYY-MM-DD`) */
  first_date: string;
  last_date: string;
  /** 'scoped': only these SKUs' derived rows were rebuilt; 'full': daily_demand (or everything) was rebuilt */
  clean: CleanExtent | 'deferred';
  seconds: number;
}

/** One SKU's stock as posted (the stock input contract, DESIGN.md). */
export interface StockInput {
  sku: string;
  on_hand: number;
  on_order?: number | null;
  lead_time_days?: number | null;
  lead_time_sd_days?: number | null;
  unit_cost?: number | null;
  order_cost?: number | null;
  holding_rate?: number | null;
  moq?: number | null;
  pack_size?: number | null;
  supplier?: string | null;
  /** the warehouse or store counted: a snapshot has a row per SKU and location, summed per SKU */
  location?: string | null;
}

/** The most lines one order batch may hold. */
export const MAX_BATCH_LINES = 10_000;
/** The most rows one stock snapshot post may hold (a whole catalogue). */
export const MAX_STOCK_ROWS = 100_000;
/** `files.path` of the order batches and stock snapshots posted through the API. */
export const ORDER_BATCH_PATH = 'api:order-batch';
export const STOCK_SNAPSHOT_PATH = 'api:stock-snapshot';

type FieldKind = 'string' | 'number';
interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
}

const specs = (required: readonly string[], optional: readonly string[], numbers: ReadonlySet<string>): FieldSpec[] =>
  [...required, ...optional].map((name) => ({
    name,
    kind: numbers.has(name) ? 'number' : 'string',
    required: required.includes(name),
  }));

/** The posted fields, in the order of the canonical header they are staged under. */
const ORDER_FIELDS = specs(ORDER_LINES.required, ORDER_LINES.optional, new Set(['quantity', 'unit_price']));
const STOCK_FIELDS = specs(
  STOCK.required,
  [...STOCK.optional.filter((c) => c !== 'date'), ...(STOCK.extended ?? [])],
  new Set(STOCK.optional.filter((c) => c !== 'supplier' && c !== 'date').concat('on_hand')),
);

/**
 * ISO 8601 as JSON clients write it: a date, optionally a time (`T` or a space; seconds and fractions optional) and
 * an offset. Slash dates, which files may use, are refused here: a batch has no file-wide evidence to tell 03/04
 * month-first from day-first.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** A UTF-16 surrogate without its pair: text no UTF-8 file can hold. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * The JSON-level checks of a batch (an array of objects holding the known fields with their JSON types) and its
 * rows as the text fields a file would hold: strings as they are, numbers as JavaScript prints them (the row
 * checker then reads them as it reads a file's: NaN and Infinity are refused there), null and absent as empty.
 */
function batchFields(what: string, rows: unknown, fields: readonly FieldSpec[], max: number): string[][] {
  if (!Array.isArray(rows)) throw new InputError(`${what}: must be an array, got ${typeName(rows)}`, { field: what });
  if (rows.length === 0) throw new InputError(`${what}: a batch needs at least one row`, { field: what });
  if (rows.length > max)
    throw new InputError(`${what}: a batch holds at most ${max.toLocaleString('en')} rows, got ${rows.length}`, {
      field: what,
    });
  const known = new Set(fields.map((f) => f.name));
  return rows.map((row: unknown, i) => {
    const at = `${what}[${i}]`;
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new InputError(`${at}: must be an object, got ${typeName(row)}`, { field: at });
    const obj = row as Record<string, unknown>;
    for (const k of Object.keys(obj))
      if (!known.has(k)) {
        const shown = k.length > 40 ? `${k.slice(0, 40)}…` : k;
        throw new InputError(`${at}: unknown field '${shown}' (known: ${[...known].join(', ')})`, { field: at });
      }
    return fields.map((f) => {
      const v = obj[f.name];
      const path = `${at}.${f.name}`;
      if (v === undefined || v === null) {
        if (f.required) throw new InputError(`${path}: required`, { field: path });
        return '';
      }
      if (typeof v !== f.kind)
        throw new InputError(`${path}: must be a ${f.kind}, got ${typeName(v)}`, { field: path });
      if (typeof v === 'number') return String(v);
      const text = v as string;
      if (LONE_SURROGATE.test(text))
        throw new InputError(`${path}: not valid Unicode text (a lone UTF-16 surrogate)`, { field: path });
      if (f.name === 'ordered_at' && !ISO_TIMESTAMP.test(text.trim()))
        throw new InputError(
          `${path}: must be an ISO 8601 timestamp such as 2011-12-09T12:50:00 (an offset may follow), got ` +
            `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`,
          { field: path },
        );
      return text;
    });
  });
}

/** The row checker's refusal of row `index` as an InputError naming the row and the field its reason names. */
function rowError(what: string, r: FieldRowReject, fields: readonly FieldSpec[]): InputError {
  let field: string | undefined;
  let at = Infinity;
  for (const f of fields) {
    const m = new RegExp(`\\b${f.name}\\b`).exec(r.reason);
    if (m !== null && m.index < at) {
      at = m.index;
      field = f.name;
    }
  }
  const path = field === undefined ? `${what}[${r.index}]` : `${what}[${r.index}].${field}`;
  return new InputError(`${path}: ${r.reason}`, { field: path });
}

const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The far-future limit of a batch's dates. A file's rows are held against the bulk of the file's own dates
 * (data/date-range.ts); a batch of a few lines has no bulk, so its lines are held against the workspace's: more than
 * BULK_SLACK_DAYS after its last sales day is a typing error (2101 for 2011), as in a file.
 */
function workspaceLimit(last: string | null): DateLimit[] {
  if (last === null) return [];
  return [
    {
      last: addDays(last, BULK_SLACK_DAYS),
      why: `more than ${BULK_SLACK_DAYS} days after the workspace's last sales day (${last})`,
    },
  ];
}

let stagingCount = 0;

/** Runs `fn` with a staging file prefix in the workspace's tmp folder (`tmp/batch-<pid>`), removed afterwards. */
async function withStaging<T>(ws: Workspace, fn: (prefix: string) => Promise<T>): Promise<T> {
  const dir = join(ws.dir, 'tmp', `batch-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const prefix = join(dir, `rows-${++stagingCount}`);
  try {
    return await fn(prefix);
  } finally {
    rmSync(`${prefix}.good.csv`, { force: true });
    rmSync(`${prefix}.rejects.csv`, { force: true });
  }
}

/**
 * Stores one staged batch as one more file (`files` row with `path`, an `ingests` row) in ONE transaction, with
 * `meta.clean_state` set 'stale' when it brought new order lines. Returns the file id and the new rows.
 */
async function storeBatch(
  ws: Workspace,
  s: StagedFile,
  path: string,
  report: Record<string, unknown>,
  fill?: Record<string, string>,
): Promise<{ fileId: number; rowsNew: number }> {
  const started = await dbNow(ws);
  return ws.transaction(async () => {
    const { ingestId, lastFileId } = await nextIngestIds(ws);
    const fileId = lastFileId + 1;
    await beginIngestScope(ws);
    const { rowsNew } = await storeStagedFile(ws, s, {
      path,
      fileId,
      ingestId,
      stage: 'stage_batch',
      ...(fill === undefined ? {} : { fill }),
    });
    await endIngestScope(ws);
    await recordIngest(ws, {
      ingestId,
      started,
      files: 1,
      rowsRead: s.rowsRead,
      rowsLoaded: s.rowsLoaded,
      rowsRejected: 0,
      rowsNew,
      report: { ...report, batch_id: fileId, rows_new: rowsNew },
    });
    if (rowsNew > 0) await setMeta(ws, 'clean_state', 'stale');
    return { fileId, rowsNew };
  });
}

/**
 * Stores a batch of order lines posted as JSON and cleans the SKUs it touched. All or nothing: every line is checked
 * as a file's row is (the same value parsing, control characters, dates after today or far past the workspace's
 * last sales day, unreadable numbers such as NaN) after JSON-level checks (an array of at most MAX_BATCH_LINES
 * objects with the known fields and JSON types, ISO 8601 timestamps); one bad line refuses the batch with an
 * InputError whose `field` is the line's path (`lines[3].quantity`) and nothing is stored. Strings are bound
 * values, stored literally (quotes, SQL, HTML, long text); text is trimmed as a file's cells are.
 *
 * Timestamps: an offset (`Z`, `+01:00`) is accepted and dropped, as in files: the wall-clock time written is kept as
 * the shop's local time (2011-12-09T23:30:00-05:00 is a sale on 2011-12-09), so a client should send the shop's local
 * time, with or without its offset.
 *
 * Storage: the lines are staged as a canonical CSV in `tmp/` and stored by the file ingest's code as one more file
 * (`files.path` 'api:order-batch', kind order_lines, one `ingests` row), under the layout of the workspace's latest
 * order-lines file (so its cleaning rules apply, e.g. the UCI Online Retail non-product SKU pattern), else the
 * canonical `order-lines`; `line` is the line's position in the batch (1 = lines[0]). The same line posted again
 * adds nothing. Crash safety: the raw rows, the files and ingests rows and `meta.clean_state = 'stale'` are one
 * transaction; the scoped clean and 'fresh' another. A crash between leaves the workspace stale, and the next
 * `ensureCleanTables` (the server calls it at start-up) rebuilds every derived table; re-posting the batch then adds
 * nothing. Assumes the caller holds the workspace's WriteLock.
 * @example
 * const r = await lock.run(() => postOrderLines(ws, [
 *   { order_id: '581587', ordered_at: '2011-12-09T12:50:00', sku: '22613', quantity: 12, unit_price: 0.85 },
 * ]));
 * // r.lines_new 1, r.skus ['22613'], r.clean 'scoped'
 */
export async function postOrderLines(
  ws: Workspace,
  lines: readonly OrderLineInput[],
  o: { now?: Date; deferClean?: boolean } = {},
): Promise<OrderBatchResult> {
  const t0 = performance.now();
  const fields = batchFields('lines', lines, ORDER_FIELDS, MAX_BATCH_LINES);
  const { limits, layout } = await orderBatchContext(ws, o.now);
  // a deferred batch is cleaned later (cleanOrderSkus): it needs neither the clean state nor the settings now
  const deferred = o.deferClean === true;
  const stale = deferred ? false : await cleanTablesStale(ws);
  const config = deferred ? undefined : await storedCleaningConfig(ws);
  return withStaging(ws, async (prefix) => {
    const b = stageOrderBatch(fields, prefix, limits, layout);
    const { fileId, rowsNew } = await storeBatch(ws, b.staged, ORDER_BATCH_PATH, b.report);
    let clean: CleanExtent | 'deferred' = 'scoped';
    if (config === undefined) clean = 'deferred';
    else if (stale) {
      await rebuildCleanTables(ws, config);
      clean = 'full';
    } else if (rowsNew > 0) clean = await rebuildCleanTablesForSkus(ws, config, b.skus);
    return {
      batch_id: fileId,
      lines: fields.length,
      lines_new: rowsNew,
      skus: b.skus,
      first_date: b.firstDate,
      last_date: b.lastDate,
      clean,
      seconds: (performance.now() - t0) / 1000,
    };
  });
}

/** What every order batch is checked against and stored with: the date limits and the layout (one read each). */
async function orderBatchContext(
  ws: Workspace,
  now: Date | undefined,
): Promise<{ limits: DateLimit[]; layout: string }> {
  const last = await lastSalesDay(ws);
  return {
    limits: [todayLimit(now ?? new Date()), ...workspaceLimit(last)],
    layout: (await latestOrderLinesLayout(ws)) ?? 'order-lines',
  };
}

/** An order batch checked and staged (its rows as a canonical CSV at `prefix`), or an InputError naming its line. */
interface StagedOrderBatch {
  staged: StagedFile;
  skus: string[];
  firstDate: string;
  lastDate: string;
  report: Record<string, unknown>;
}

function stageOrderBatch(
  fields: readonly string[][],
  prefix: string,
  limits: readonly DateLimit[],
  layout: string,
): StagedOrderBatch {
  const header = ORDER_FIELDS.map((f) => f.name);
  const idx = { sku: header.indexOf('sku'), at: header.indexOf('ordered_at') };
  const { staged, rejects } = stageFieldRows(fields, header, prefix, 'order batch', limits);
  if (rejects.length > 0) throw rowError('lines', rejects[0]!, ORDER_FIELDS);
  // the row checker trims cells and reads the timestamp: the same functions give the SKUs and days stored
  const skus = [...new Set(fields.map((f) => f[idx.sku]!.trim()))].sort();
  const days = fields.map((f) => parseTimestamp(f[idx.at]!.trim())!.slice(0, 10)).sort();
  const firstDate = days[0]!;
  const lastDate = days[days.length - 1]!;
  return {
    staged: { ...staged, layout: { ...staged.layout, name: layout } },
    skus,
    firstDate,
    lastDate,
    report: {
      kind: 'order_batch',
      lines: fields.length,
      skus: skus.length,
      first_date: firstDate,
      last_date: lastDate,
    },
  };
}

/** One batch's outcome in a group (`postOrderBatches`): stored, or refused with its own error. */
export type OrderBatchOutcome = { ok: true; result: OrderBatchResult } | { ok: false; error: unknown };

/**
 * Group commit: stores several batches of order lines posted while the writer was busy in ONE transaction, as if
 * posted one after the other in the order given (each with its own `files` and `ingests` rows and batch id; a line an
 * earlier batch of the group brings is not new in a later one), their clean deferred (`cleanOrderSkus`). Each batch is
 * checked on its own first, as `postOrderLines` checks it (against the date limits read once for the group): a batch
 * with a bad line gets its InputError and nothing of it is stored, without affecting the others. Each line's identity
 * is computed once (store/ingest.ts `storeStagedBatches`), the last sales day and the layout are read once, and the
 * group costs one commit. Should the group's transaction fail, each of its batches is stored alone (so a batch fails
 * only on its own account). Assumes the caller holds the workspace's WriteLock.
 * @example
 * const [a, b] = await lock.run(() => postOrderBatches(ws, [linesA, linesB]));
 * // a.ok && a.result.lines_new; !b.ok && b.error instanceof InputError
 */
export async function postOrderBatches(
  ws: Workspace,
  batches: readonly (readonly OrderLineInput[])[],
  o: { now?: Date } = {},
): Promise<OrderBatchOutcome[]> {
  const t0 = performance.now();
  if (batches.length === 0) return [];
  const { limits, layout } = await orderBatchContext(ws, o.now);
  return withStaging(ws, async (prefix) => {
    const checked = batches.map((lines, k): { ok: true; b: StagedOrderBatch; lines: number } | OrderBatchOutcome => {
      try {
        const fields = batchFields('lines', lines, ORDER_FIELDS, MAX_BATCH_LINES);
        return { ok: true, b: stageOrderBatch(fields, `${prefix}-${k}`, limits, layout), lines: fields.length };
      } catch (error) {
        return { ok: false, error };
      }
    });
    const good = checked.flatMap((c, k) => ('b' in c ? [{ ...c, k }] : []));
    const stored = new Map<number, { fileId: number; rowsNew: number }>();
    try {
      const started = await dbNow(ws);
      await ws.transaction(async () => {
        const { ingestId, lastFileId } = await nextIngestIds(ws);
        const ids = good.map((_, j) => ({ fileId: lastFileId + 1 + j, ingestId: ingestId + j }));
        const rowsNew = await storeStagedBatches(
          ws,
          good.map((g, j) => ({ staged: g.b.staged, ...ids[j]! })),
          { path: ORDER_BATCH_PATH },
        );
        await recordIngests(
          ws,
          good.map((g, j) => ({
            ingestId: ids[j]!.ingestId,
            started,
            files: 1,
            rowsRead: g.b.staged.rowsRead,
            rowsLoaded: g.b.staged.rowsLoaded,
            rowsRejected: 0,
            rowsNew: rowsNew[j]!,
            report: { ...g.b.report, batch_id: ids[j]!.fileId, rows_new: rowsNew[j]! },
          })),
        );
        if (rowsNew.some((n) => n > 0)) await setMeta(ws, 'clean_state', 'stale');
        good.forEach((g, j) => stored.set(g.k, { fileId: ids[j]!.fileId, rowsNew: rowsNew[j]! }));
      });
    } catch (e) {
      stored.clear();
      // the group failed as a whole: each batch alone (a group of one: its error), so a batch fails on its own account
      for (const g of good)
        try {
          if (good.length === 1) throw e;
          stored.set(g.k, await storeBatch(ws, g.b.staged, ORDER_BATCH_PATH, g.b.report));
        } catch (error) {
          checked[g.k] = { ok: false, error };
        }
    } finally {
      // every batch's staging files (withStaging removes `prefix`'s only)
      for (let k = 0; k < batches.length; k++) {
        rmSync(`${prefix}-${k}.good.csv`, { force: true });
        rmSync(`${prefix}-${k}.rejects.csv`, { force: true });
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    return checked.map((c, k): OrderBatchOutcome => {
      if (!('b' in c)) return c;
      const s = stored.get(k);
      if (s === undefined) return { ok: false, error: new Error('postOrderBatches: batch not stored') };
      return {
        ok: true,
        result: {
          batch_id: s.fileId,
          lines: c.lines,
          lines_new: s.rowsNew,
          skus: c.b.skus,
          first_date: c.b.firstDate,
          last_date: c.b.lastDate,
          clean: 'deferred',
          seconds,
        },
      };
    });
  });
}

/** A `YYYY-MM-DD` calendar date, or an InputError naming `date`. */
function checkDate(text: unknown): string {
  const ok =
    typeof text === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(text) &&
    !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) &&
    new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (!ok) throw new InputError(`date: must be a date such as 2011-12-09, got '${String(text)}'`, { field: 'date' });
  return text;
}

/**
 * Stores a stock snapshot posted as JSON: the on-hand (and optionally on order, lead time, costs, MOQ, pack size,
 * supplier) of SKUs counted on `date` — by default the workspace's last sales day, as for a stock file without a
 * date column (today when it has no sales). Checked and stored as a stock file is (all or nothing, rows named
 * `rows[3].on_hand` in errors, at most MAX_STOCK_ROWS), as one more file (`files.path` 'api:stock-snapshot'). A
 * plan reads the latest snapshot only (store/stock.ts): SKUs not posted for that date have no on-hand in it, so post
 * the whole stock for a date (in several posts if need be: the latest row of each SKU wins). Posting the same rows
 * for the same date again adds nothing. A snapshot can show a stock-out (nothing available: store/clean.ts), so the
 * posted SKUs are cleaned again (scoped) when it brought new rows and the derived tables were fresh; with
 * `deferClean` they are left stale for the caller to clean (`cleanOrderSkus`: the service's live cycle does).
 * @example await postStockSnapshot(ws, [{ sku: '22613', on_hand: 40, lead_time_days: 14 }], { date: '2011-12-09' });
 */
export async function postStockSnapshot(
  ws: Workspace,
  rows: readonly StockInput[],
  o: { date?: string; deferClean?: boolean } = {},
): Promise<{ batch_id: number; rows: number; skus: string[]; date: string }> {
  const fields = batchFields('rows', rows, STOCK_FIELDS, MAX_STOCK_ROWS);
  const date =
    o.date !== undefined ? checkDate(o.date) : ((await lastSalesDay(ws)) ?? new Date().toISOString().slice(0, 10));
  const header = STOCK_FIELDS.map((f) => f.name);
  return withStaging(ws, async (prefix) => {
    const { staged, rejects } = stageFieldRows(fields, header, prefix, 'stock snapshot');
    if (rejects.length > 0) throw rowError('rows', rejects[0]!, STOCK_FIELDS);
    const skuAt = header.indexOf('sku');
    const skus = [...new Set(fields.map((f) => f[skuAt]!.trim()))].sort();
    const fresh = o.deferClean !== true && !(await cleanTablesStale(ws));
    const { fileId, rowsNew } = await storeBatch(
      ws,
      staged,
      STOCK_SNAPSHOT_PATH,
      { kind: 'stock_snapshot', rows: fields.length, skus: skus.length, date },
      { date },
    );
    if (fresh && rowsNew > 0) await rebuildCleanTablesForSkus(ws, await storedCleaningConfig(ws), skus);
    return { batch_id: fileId, rows: fields.length, skus, date };
  });
}

/**
 * Cleans the SKUs of batches stored with `deferClean` (the service stores each batch at once and cleans the SKUs of
 * all batches that arrived meanwhile together: one scoped rebuild for a burst of batches). Call it inside the
 * writer's lock with every SKU stored since the last clean: it marks the derived tables fresh. A workspace left
 * stale by a crash (not by deferred batches) is rebuilt whole at the service's start (`ensureCleanTables`).
 * @example await lock.run(() => cleanOrderSkus(ws, ['22423', '85123A'])) // 'scoped'
 */
export async function cleanOrderSkus(ws: Workspace, skus: readonly string[]): Promise<CleanExtent> {
  const config = await storedCleaningConfig(ws);
  if (!(await derivedTablesExist(ws))) {
    await rebuildCleanTables(ws, config);
    return 'full';
  }
  return rebuildCleanTablesForSkus(ws, config, skus);
}
