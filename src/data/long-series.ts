import { type CsvRecord, type CsvSink, isGzipFile, readCsv } from './csv-reader.js';
import { readFile, stat } from 'node:fs/promises';
import { parseDateOption } from './date-option.js';
import { InputError } from './errors.js';
import { normaliseColumnName } from './layouts.js';
import { type Freq, addPeriods, formatPeriod, isoDate, periodTime, periodsBetween } from '../numerics/calendar.js';
import { parseNumber, parseTimestamp } from './values.js';

/**
 * Series in long form read into a regular grid: one value per period. A period with no row is zero
 * sales (counted in `filled`); a row whose units are empty, `NA` (or null) is unknown, NaN.
 */
export interface LongSeries {
  ids: string[];
  /** time of each series' first period (ms, UTC) */
  starts: number[];
  values: Float64Array[];
  /** whether the dates carried a time of day */
  withTime: boolean;
  rejected: { line: number; reason: string }[];
  /** periods between a series' first and last row that had no row, taken as 0 (no sales) */
  filled: number;
}

/** Each series' rows: period times, values and where each came from (a line of the file, a row of the input). */
interface SeriesRows {
  t: number[];
  v: number[];
  at: number[];
}

/** The as-of limit (ms) of `asOf` (YYYY-MM-DD; an ambiguous date is refused, parseDateOption), Infinity without. */
function asOfLimit(asOf: string | undefined): number {
  return asOf === undefined ? Infinity : periodTime(parseDateOption(asOf, 'asOf'));
}

/** Refuses an as-of day after the last period of the data: it would silently plan from older data. */
function checkAsOfInData(asOf: string | undefined, limit: number, lastT: number, freq: Freq, source: string): void {
  if (asOf === undefined || !Number.isFinite(lastT) || limit < addPeriods(lastT, freq, 1)) return;
  throw new InputError(`asOf: ${asOf} is after the last ${freq} with data in ${source}, ${isoDate(lastT)}`, {
    field: 'asOf',
  });
}

const ID = ['sku', 'id', 'uniqueid', 'series', 'item'];
const DATE = ['date', 'ds', 'period', 'timestamp', 'time'];
const VALUE = ['units', 'y', 'value', 'sales', 'demand', 'quantity'];
const PLAIN = /^-?\d+(?:\.\d+)?$/;

/**
 * Reads `sku,date,units` (also `unique_id,ds,y` and similar names) into one regular series per SKU
 * at frequency `freq`. Rows after `asOf` are left out (an `asOf` after the data is refused); a
 * period with no row is 0 (counted in `filled`); two rows for one series and period are refused
 * with both lines; dates off the series' grid are refused. Series keep the order of their first
 * appearance. A missing file is an InputError.
 */
export async function readLongSeries(path: string, freq: Freq, asOf?: string): Promise<LongSeries> {
  let idx = [-1, -1, -1];
  const rows = new Map<string, SeriesRows>();
  const rejected: { line: number; reason: string }[] = [];
  let withTime = false;
  const limit = asOfLimit(asOf);
  let lastT = -Infinity;
  const st = await stat(path).catch(() => null);
  if (st === null) throw new InputError(`${path}: cannot read: no such file`, { field: 'series' });
  if (!st.isFile()) throw new InputError(`${path}: not a file`, { field: 'series' });
  // the same dates recur in every series: read each text once
  const dates = new Map<string, number>();
  const sink = {
    header(cols: string[]) {
      const norm = cols.map(normaliseColumnName);
      idx = [ID, DATE, VALUE].map((names) => norm.findIndex((c) => names.includes(c)));
      if (idx.some((i) => i < 0))
        throw new InputError(
          `${path}: a series file needs columns sku, date, units (or unique_id, ds, y); columns ` +
            `found: ${cols.join(', ')}`,
        );
    },
    record(r: CsvRecord) {
      const id = r.fields[idx[0]!]!.trim();
      const dtext = r.fields[idx[1]!]!;
      let t = dates.get(dtext);
      if (t === undefined) {
        const ts = parseTimestamp(dtext);
        t = ts === undefined ? NaN : periodTime(ts);
        if (ts !== undefined && !ts.endsWith('00:00:00')) withTime = true;
        dates.set(dtext, t);
      }
      const raw = r.fields[idx[2]!]!.trim();
      const v = raw === '' || raw === 'NA' ? NaN : PLAIN.test(raw) ? Number(raw) : parseNumber(raw);
      if (id === '' || Number.isNaN(t) || v === undefined) {
        rejected.push({
          line: r.line,
          reason: id === '' ? 'empty sku' : Number.isNaN(t) ? 'unparseable date' : 'unparseable number',
        });
        return;
      }
      if (t > lastT) lastT = t;
      if (t > limit) return;
      let list = rows.get(id);
      if (list === undefined) rows.set(id, (list = { t: [], v: [], at: [] }));
      list.t.push(t);
      list.v.push(v);
      list.at.push(r.line);
    },
    reject(r: { line: number; reason: string }) {
      rejected.push({ line: r.line, reason: r.reason });
    },
  };
  if (!(await simpleCsv(path, sink))) await readCsv(path, sink);
  checkAsOfInData(asOf, limit, lastT, freq, path);
  return { ...toGrid(rows, freq, path, 'line'), withTime, rejected };
}

/**
 * Puts each series' (time, value) pairs on a regular grid of `freq`: a period with no row is 0 (no
 * sales; counted in `filled`), two rows for one period are an InputError naming both (`where`: line
 * or row).
 */
function toGrid(
  rows: Map<string, SeriesRows>,
  freq: Freq,
  source: string,
  where: 'line' | 'row',
): Pick<LongSeries, 'ids' | 'starts' | 'values' | 'filled'> {
  const ids: string[] = [];
  const starts: number[] = [];
  const values: Float64Array[] = [];
  let filled = 0;
  for (const [id, list] of rows) {
    let sorted = true;
    for (let i = 1; i < list.t.length && sorted; i++) sorted = list.t[i]! > list.t[i - 1]!;
    const order = list.t.map((_, i) => i);
    if (!sorted) order.sort((a, b) => list.t[a]! - list.t[b]!);
    const t0 = list.t[order[0]!]!;
    const n = periodsBetween(t0, list.t[order[order.length - 1]!]!, freq) + 1;
    if (!Number.isFinite(n))
      throw new InputError(`${source}: series '${id}' has dates that are not whole ${freq}s apart`);
    const y = new Float64Array(n);
    const from = new Int32Array(n).fill(-1);
    for (const i of order) {
      const k = periodsBetween(t0, list.t[i]!, freq);
      if (Number.isNaN(k))
        throw new InputError(`${source}: series '${id}' has dates that are not whole ${freq}s apart`);
      if (from[k]! >= 0)
        throw new InputError(
          `${source}: series '${id}' has two rows for ${formatPeriod(list.t[i]!, freq === 'hour')} (${where}s ` +
            `${Math.min(list.at[from[k]!]!, list.at[i]!)} and ${Math.max(list.at[from[k]!]!, list.at[i]!)}): ` +
            `give one row per series and ${freq}`,
        );
      from[k] = i;
      y[k] = list.v[i]!;
    }
    for (let k = 0; k < n; k++) if (from[k]! < 0) filled++;
    ids.push(id);
    starts.push(t0);
    values.push(y);
  }
  return { ids, starts, values, filled };
}

/**
 * Long-form rows in memory (`{ sku, date, units }`, the shape of a data frame's records) as regular
 * series, like `readLongSeries` reads a file: a period with no row is 0 (no sales; counted in
 * `filled`), two rows for one period are refused, `units` null or NaN is unknown (NaN); series keep
 * the order of their first row.
 * @example longRowsToSeries(
 *   [
 *     { sku: 'A', date: '2024-01-01', units: 3 },
 *     { sku: 'A', date: '2024-01-03', units: 1 },
 *   ],
 *   'day',
 * )
 * // → ids ['A'], values [Float64Array [3, 0, 1]], filled 1
 */
export function longRowsToSeries(
  input: Iterable<{ sku: string; date: string; units: number | null }>,
  freq: Freq,
  asOf?: string,
): Pick<LongSeries, 'ids' | 'starts' | 'values' | 'withTime' | 'filled'> {
  const limit = asOfLimit(asOf);
  let lastT = -Infinity;
  const rows = new Map<string, SeriesRows>();
  let withTime = false;
  let k = 0;
  for (const r of input) {
    k++;
    const ts = typeof r.date === 'string' ? parseTimestamp(r.date) : undefined;
    if (ts === undefined)
      throw new InputError(`series row ${k}: unreadable date '${String(r.date)}'`, { field: 'date' });
    if (typeof r.sku !== 'string' || r.sku === '')
      throw new InputError(`series row ${k}: sku must be a non-empty string`, { field: 'sku' });
    if (r.units !== null && typeof r.units !== 'number')
      throw new InputError(`series row ${k}: units must be a number or null`, { field: 'units' });
    if (!ts.endsWith('00:00:00')) withTime = true;
    const t = periodTime(ts);
    if (t > lastT) lastT = t;
    if (t > limit) continue;
    let list = rows.get(r.sku);
    if (list === undefined) rows.set(r.sku, (list = { t: [], v: [], at: [] }));
    list.t.push(t);
    list.v.push(r.units ?? NaN);
    list.at.push(k);
  }
  checkAsOfInData(asOf, limit, lastT, freq, 'the series');
  return { ...toGrid(rows, freq, 'series', 'row'), withTime };
}

/**
 * Fast path for the common plain file: uncompressed, comma-delimited, valid UTF-8, no quotes at
 * all (so every line is one record). Returns false, having passed nothing to the sink, when the
 * file is not like that, and the full reader handles it.
 */
async function simpleCsv(path: string, sink: CsvSink): Promise<boolean> {
  if (await isGzipFile(path)) return false;
  const text = await readFile(path, 'utf8');
  if (text.includes('"') || text.includes('\uFFFD') || text.length === 0) return false;
  if (!text.slice(0, text.indexOf('\n') >>> 0).includes(',')) return false;
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  const header = text.slice(0, end).replace(/\r$/, '').split(',');
  const width = header.length;
  sink.header(
    header.map((c) => c.trim()),
    ',',
  );
  let line = 1;
  let start = end + 1;
  while (start < text.length) {
    let stop = text.indexOf('\n', start);
    if (stop < 0) stop = text.length;
    line++;
    const raw = text.charCodeAt(stop - 1) === 13 ? text.slice(start, stop - 1) : text.slice(start, stop);
    if (raw.length > 0) {
      const fields = raw.split(',');
      if (fields.length === width) sink.record({ line, fields, raw });
      else {
        const problem = fields.length < width ? 'missing' : 'too many';
        sink.reject({ line, reason: `${problem} columns: expected ${width}, found ${fields.length}`, raw });
      }
    }
    start = stop + 1;
  }
  return true;
}
