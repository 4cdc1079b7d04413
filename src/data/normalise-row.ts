import type { ResolvedLayout } from './layouts.js';
import { csvQuote } from './csv-format.js';
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
};

/** The canonical columns a layout stages, in order. */
export function stagedColumns(layout: ResolvedLayout): string[] {
  return [...layout.spec.required, ...layout.spec.optional];
}

export type NormalisedRow = { csv: string } | { reason: string };

const shown = (s: string): string => (s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`);
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
/** Numbers JavaScript prints back the same way: no leading zeros, no trailing zeros after the point. */
const CANONICAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/**
 * Makes the row checker of one layout. It checks a record and returns its canonical values as one
 * CSV row DuckDB reads without further guessing (timestamps `YYYY-MM-DD HH:MM:SS`, plain numbers,
 * `true/false`, empty for null), or the reason the row is rejected. Optional columns may be
 * empty; required ones may not. Timestamps repeat from line to line within an order, so the last
 * one read is remembered per column.
 */
export function makeRowNormaliser(layout: ResolvedLayout): RowNormaliser {
  const columns = stagedColumns(layout);
  const required = layout.spec.required.length;
  const indexes = columns.map((c) => layout.index[c]!);
  const types = columns.map((c) => {
    const t = COLUMN_TYPES[c];
    if (t === undefined) throw new Error(`makeRowNormaliser: no type for column ${c}`);
    return t;
  });
  const lastIn: string[] = columns.map(() => '');
  const lastOut: string[] = columns.map(() => '');
  // A point as decimal separator is only ambiguous with a comma declared: then 1.000 is rejected.
  const decimal = layout.decimal;
  const normalise = (fields: readonly string[]): NormalisedRow => {
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
        case 'text':
          csv += csvQuote(text);
          break;
        case 'timestamp':
        case 'date': {
          if (text !== lastIn[c]) {
            if (layout.dateOrder === undefined) noteDateOrder(text);
            const ts = parseTimestamp(text, layout.dateOrder);
            if (ts === undefined) return { reason: `unparseable date in ${columns[c]}: ${shown(text)}` };
            lastIn[c] = text;
            lastOut[c] = types[c] === 'date' ? ts.slice(0, 10) : ts;
          }
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
    return { csv };
  };
  /** Slash dates read month-first unless told: one that can only be day-first (13/03/2024) is remembered. */
  let dayFirstSeen: string | undefined;
  const noteDateOrder = (text: string): void => {
    const m = DAY_FIRST.exec(text);
    if (m !== null && dayFirstSeen === undefined && Number(m[1]) > 12 && m[2] === '/') dayFirstSeen = text;
  };
  return Object.assign(normalise, { dayFirstSeen: () => dayFirstSeen });
}

const DAY_FIRST = /^\s*(\d{1,2})([/.])\d{1,2}\2\d{4}/;

/** What makeRowNormaliser returns: the row checker, and the first date that shows a file is day-first. */
export type RowNormaliser = ((fields: readonly string[]) => NormalisedRow) & { dayFirstSeen: () => string | undefined };
