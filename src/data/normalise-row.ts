import type { ResolvedLayout } from './layouts.js';
import { csvQuote } from './csv-format.js';
import { type DateOrder, type DateOrderEvidence, noDateOrderEvidence, noteDateOrderInPlace } from './date-order.js';
import type { DateLimit } from './date-range.js';
import { parseFlag, parseNumber, parseTimestamp } from './values.js';

/** The type each canonical column is read as. */
export type ColumnType = 'text' | 'timestamp' | 'date' | 'number' | 'flag';

export const COLUMN_TYPES: Record<string, ColumnType> = {
  order_id: 'text',
  ordered_at: 'timestamp',
  sku: 'text',
  quantity: 'number',
  unit_price: 'number',
  customer_id: 'text',
  country: 'text',
  channel: 'text',
  description: 'text',
  order_status: 'text',
  date: 'date',
  units: 'number',
  price: 'number',
  promo: 'flag',
  open: 'flag',
  name: 'text',
  category: 'text',
  brand: 'text',
  cost: 'number',
  launched_at: 'date',
  discontinued_at: 'date',
  on_hand: 'number',
  on_order: 'number',
  lead_time_days: 'number',
  lead_time_sd_days: 'number',
  unit_cost: 'number',
  order_cost: 'number',
  holding_rate: 'number',
  moq: 'number',
  pack_size: 'number',
  supplier: 'text',
  location: 'text',
  status: 'text',
  continue_selling: 'flag',
  min_order_units: 'number',
  min_order_value: 'number',
  review_days: 'number',
  currency: 'text',
  bundle_sku: 'text',
  component_sku: 'text',
};

/** The canonical columns a layout stages, in order. */
export function stagedColumns(layout: ResolvedLayout): string[] {
  const extended = (layout.spec.extended ?? []).filter((c) => (layout.index[c] ?? -1) >= 0);
  return [...layout.spec.required, ...layout.spec.optional, ...extended];
}

export type NormalisedRow = { csv: string } | { reason: string };

/** The column whose dates are a sales file's sales dates, checked against DateLimits. */
export function salesDateColumn(layout: ResolvedLayout): string | undefined {
  return layout.spec.kind === 'order_lines' ? 'ordered_at' : layout.spec.kind === 'daily_sales' ? 'date' : undefined;
}

export interface NormaliserOptions {
  /** How slash and dot dates are read; undefined: slashes month-first, dots day-first (values.ts). */
  dateOrder?: DateOrder | undefined;
  /** Sales dates later than any of these limits are rejected with the limit's reason. */
  dateLimits?: readonly DateLimit[];
}

const shown = (s: string): string => (s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`);
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
/** Numbers JavaScript prints back the same way: no leading zeros, no trailing zeros after the point. */
const CANONICAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
/**
 * Control characters (Unicode Cc: C0, DEL, C1). A NUL in a SKU once cut every later query at it;
 * none belongs in a code or a name. Free text (descriptions, names) may hold tabs and line breaks.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_FREE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const FREE_TEXT = new Set(['description', 'name']);
const codePoint = (ch: string): string => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Makes the row checker of one layout. It checks a record and returns its canonical values as one
 * CSV row DuckDB reads without further guessing (timestamps `YYYY-MM-DD HH:MM:SS`, plain numbers,
 * `true/false`, empty for null), or the reason the row is rejected: an empty required value, a value
 * that does not parse, a control character in a text, a sales date past a limit. Optional columns
 * may be empty. Timestamps repeat from line to line within an order, so the last one read is
 * remembered per column. It also gathers, over the rows it sees, what the dates say about their
 * order (day or month first) and how many accepted rows fall on each sales date.
 */
export function makeRowNormaliser(layout: ResolvedLayout, options: NormaliserOptions = {}): RowNormaliser {
  const columns = stagedColumns(layout);
  const required = layout.spec.required.length;
  const indexes = columns.map((c) => layout.index[c]!);
  const types = columns.map((c) => {
    const t = COLUMN_TYPES[c];
    if (t === undefined) throw new Error(`makeRowNormaliser: no type for column ${c}`);
    return t;
  });
  const control = columns.map((c) => (FREE_TEXT.has(c) ? CONTROL_IN_FREE_TEXT : CONTROL));
  const dateOrder = options.dateOrder;
  const limits = options.dateLimits ?? [];
  const salesColumn = columns.indexOf(salesDateColumn(layout) ?? '');
  const lastIn: string[] = columns.map(() => '');
  const lastOut: string[] = columns.map(() => '');
  /** why the last sales date read is rejected, if it is */
  let lastLate: string | undefined;
  const evidence = noDateOrderEvidence();
  // rows per sales date, counted in runs (rows come in date order in most exports)
  const dateCounts = new Map<string, number>();
  let runDate = '';
  let runCount = 0;
  const flushRun = (): void => {
    if (runCount > 0) dateCounts.set(runDate, (dateCounts.get(runDate) ?? 0) + runCount);
    runCount = 0;
  };
  // A point as decimal separator is only ambiguous with a comma declared: then 1.000 is rejected.
  const decimal = layout.decimal;
  const normalise = (fields: readonly string[], line: number): NormalisedRow => {
    let csv = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) csv += ',';
      const idx = indexes[c]!;
      const text = idx < 0 ? '' : fields[idx]!.trim();
      if (text.length === 0) {
        if (c < required) return { reason: `empty ${columns[c]}` };
        continue;
      }
      switch (types[c]) {
        case 'text': {
          const bad = control[c]!.exec(text);
          if (bad !== null)
            return { reason: `control character ${codePoint(bad[0])} in ${columns[c]} (character ${bad.index + 1})` };
          csv += csvQuote(text);
          break;
        }
        case 'timestamp':
        case 'date': {
          if (text !== lastIn[c]) {
            noteDateOrderInPlace(evidence, text, line);
            const ts = parseTimestamp(text, dateOrder);
            if (ts === undefined) return { reason: `unparseable date in ${columns[c]}: ${shown(text)}` };
            lastIn[c] = text;
            lastOut[c] = types[c] === 'date' ? ts.slice(0, 10) : ts;
            if (c === salesColumn) {
              const day = ts.slice(0, 10);
              const limit = limits.find((l) => day > l.last);
              lastLate = limit === undefined ? undefined : `${columns[c]} ${day} is ${limit.why}`;
            }
          }
          if (c === salesColumn && lastLate !== undefined) return { reason: lastLate };
          csv += lastOut[c];
          break;
        }
        case 'number': {
          // canonical text (6.0 → 6, 2.50 → 2.5), so a row's identity does not depend on how it was written
          if (decimal !== ',' && text.length < 16 && CANONICAL_NUMBER.test(text)) {
            csv += text; // already what String(Number(text)) gives
            break;
          }
          const v = decimal !== ',' && PLAIN_NUMBER.test(text) ? Number(text) : parseNumber(text, decimal);
          if (v === undefined) {
            const why = decimal === ',' && text.includes('.') ? ` (decimal separator is ',')` : '';
            return { reason: `unparseable number in ${columns[c]}: ${shown(text)}${why}` };
          }
          csv += String(v);
          break;
        }
        case 'flag': {
          const v = parseFlag(text);
          if (v === undefined) return { reason: `unreadable yes/no in ${columns[c]}: ${shown(text)}` };
          csv += v ? 'true' : 'false';
          break;
        }
      }
    }
    if (salesColumn >= 0 && indexes[salesColumn]! >= 0) {
      const day = lastOut[salesColumn]!.slice(0, 10);
      if (day !== runDate) {
        flushRun();
        runDate = day;
      }
      runCount++;
    }
    return { csv };
  };
  return Object.assign(normalise, {
    dateOrderEvidence: () => evidence,
    salesDateCounts: () => {
      flushRun();
      return dateCounts;
    },
  });
}

/**
 * What makeRowNormaliser returns: the row checker (fields and the record's line), what the dates
 * read so far say about their order, and the accepted rows per sales date.
 */
export type RowNormaliser = ((fields: readonly string[], line: number) => NormalisedRow) & {
  dateOrderEvidence: () => DateOrderEvidence;
  salesDateCounts: () => ReadonlyMap<string, number>;
};
