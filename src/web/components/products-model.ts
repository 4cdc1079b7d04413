// The product table's data in memory: GET /skus/table's columns turned into typed arrays once (numbers as
// Float64Array with NaN for null, categories as integer codes), so a filter or a sort over 100,000 SKUs is a walk
// over arrays and an index permutation, never a copy of row objects. A sort's permutation is computed once per key
// and direction by a stable LSD radix sort of the numbers' bit patterns (O(n), four passes) and kept; a filter then
// walks it (O(n)) and keeps the rows that pass; the search scans one lower-cased text of all rows with indexOf.

/** The answer of GET /skus/table. */
export interface SkuTableAnswer {
  as_of: string | null;
  count: number;
  columns: {
    sku: string[];
    description: (string | null)[];
    abc: (string | null)[];
    xyz: (string | null)[];
    stage: (string | null)[];
    supplier: (string | null)[];
    alert: (string | null)[];
    risk: number[];
    days_of_stock: (number | null)[];
    revenue: number[];
    forecast_change: (number | null)[];
    forecast_30d: number[];
    order_units: (number | null)[];
  };
}

export const CATEGORIES = ['abc', 'xyz', 'stage', 'supplier', 'alert'] as const;
export type Category = (typeof CATEGORIES)[number];
export const NUMBERS = ['risk', 'days_of_stock', 'revenue', 'forecast_change', 'forecast_30d', 'order_units'] as const;
export type NumberColumn = (typeof NUMBERS)[number];
export type SortKey = 'sku' | NumberColumn;
export type SortDir = 'asc' | 'desc';

/** One categorical column: code 0 is null, code i + 1 is `values[i]` (values sorted). */
export interface CategoryColumn {
  codes: Uint32Array;
  values: string[];
}

export interface TableModel {
  n: number;
  asOf: string | null;
  sku: string[];
  description: (string | null)[];
  cat: Record<Category, CategoryColumn>;
  num: Record<NumberColumn, Float64Array>;
  /** every row's lower-cased "sku description", one after another, each ended by a newline: the search's text */
  text: string;
  /** where each row's part of `text` starts (n + 1 entries) */
  textStart: Uint32Array;
  /** the rows in SKU order (ties of every sort are broken by it) */
  bySku: Uint32Array;
  /** the last search's matches, kept while the search does not change */
  lastSearch: { q: string; mask: Uint8Array } | null;
  /** permutations by sort key and direction, computed when first asked for */
  perms: Map<string, Uint32Array>;
}

/** The filters and the sort the table shows (kept in the URL query). */
export interface TableView {
  q: string;
  abc: string;
  xyz: string;
  stage: string;
  supplier: string;
  /** '' all, '*' any open alert, 'none' no alert, else an alert kind */
  alert: string;
  sort: SortKey;
  dir: SortDir;
}

export const DEFAULT_VIEW: TableView = {
  q: '',
  abc: '',
  xyz: '',
  stage: '',
  supplier: '',
  alert: '',
  sort: 'risk',
  dir: 'desc',
};

function categoryColumn(values: readonly (string | null)[]): CategoryColumn {
  const distinct = [...new Set(values.filter((v): v is string => v !== null && v !== ''))].sort();
  const index = new Map(distinct.map((v, i) => [v, i + 1]));
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v == null ? 0 : (index.get(v) ?? 0);
  }
  return { codes, values: distinct };
}

function numberColumn(values: readonly (number | null)[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
  }
  return out;
}

/** Builds the in-memory model of a table answer: O(n) plus a sort of each category's distinct values. */
export function buildModel(t: SkuTableAnswer): TableModel {
  const c = t.columns;
  const n = c.sku.length;
  const parts = new Array<string>(n);
  const textStart = new Uint32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    // a newline cannot be part of a search term, so no match spans two rows
    const part = `${c.sku[i]} ${c.description[i] ?? ''}`.toLowerCase().replace(/\n/g, ' ') + '\n';
    parts[i] = part;
    textStart[i] = at;
    at += part.length;
  }
  textStart[n] = at;
  return {
    n,
    asOf: t.as_of,
    sku: c.sku,
    description: c.description,
    cat: {
      abc: categoryColumn(c.abc),
      xyz: categoryColumn(c.xyz),
      stage: categoryColumn(c.stage),
      supplier: categoryColumn(c.supplier),
      alert: categoryColumn(c.alert),
    },
    num: {
      risk: numberColumn(c.risk, n),
      days_of_stock: numberColumn(c.days_of_stock, n),
      revenue: numberColumn(c.revenue, n),
      forecast_change: numberColumn(c.forecast_change, n),
      forecast_30d: numberColumn(c.forecast_30d, n),
      order_units: numberColumn(c.order_units, n),
    },
    text: parts.join(''),
    textStart,
    bySku: skuOrder(c.sku),
    lastSearch: null,
    perms: new Map(),
  };
}

/** The rows in SKU order: the identity when the service sent them sorted (it does), else a comparison sort. */
function skuOrder(sku: readonly string[]): Uint32Array {
  const p = new Uint32Array(sku.length);
  let sorted = true;
  for (let i = 0; i < sku.length; i++) {
    p[i] = i;
    if (i > 0 && sku[i - 1]! > sku[i]!) sorted = false;
  }
  if (!sorted) p.sort((a, b) => (sku[a]! < sku[b]! ? -1 : sku[a]! > sku[b]! ? 1 : 0));
  return p;
}

/**
 * Indexes `order` (a permutation) stably sorted by `v` ascending (or descending), NaN last either way: an LSD radix
 * sort over the IEEE 754 bit patterns made order-preserving as unsigned integers (flip all bits of a negative,
 * the sign bit of a positive), 16 bits a pass, four passes; passes where every key has the same digit are skipped.
 * O(n) time, O(n + 65,536) memory (Knuth, TAOCP vol. 3, §5.2.5).
 */
export function radixOrder(v: Float64Array, order: Uint32Array, dir: SortDir): Uint32Array {
  const n = order.length;
  const hi = new Uint32Array(v.length);
  const lo = new Uint32Array(v.length);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  // the platform's endianness: which half of the Float64 holds the sign
  f[0] = -0;
  const H = u[1] === 0x80000000 ? 1 : 0;
  const L = 1 - H;
  let src = new Uint32Array(n);
  let m = 0;
  const missing: number[] = [];
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    const x = v[i]!;
    if (x !== x) {
      missing.push(i);
      continue;
    }
    f[0] = x === 0 ? 0 : x; // -0 sorts as 0
    let h = u[H]!;
    let l = u[L]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (dir === 'desc') {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    src[m++] = i;
  }
  let dst = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (const [key, shift] of [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ] as const) {
    count.fill(0);
    for (let j = 0; j < m; j++) count[(key[src[j]!]! >>> shift) & 0xffff]!++;
    if (m === 0 || count[(key[src[0]!]! >>> shift) & 0xffff] === m) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let j = 0; j < m; j++) {
      const i = src[j]!;
      dst[count[(key[i]! >>> shift) & 0xffff]!++] = i;
    }
    [src, dst] = [dst, src];
  }
  for (const i of missing) src[m++] = i;
  return src;
}

/**
 * The rows in the order of `key` and `dir`: missing values (null) last in both directions, ties by SKU ascending.
 * O(n) the first time, then kept in the model.
 */
export function permutation(m: TableModel, key: SortKey, dir: SortDir): Uint32Array {
  const id = `${key}:${dir}`;
  const kept = m.perms.get(id);
  if (kept !== undefined) return kept;
  let p: Uint32Array;
  if (key === 'sku') p = dir === 'asc' ? m.bySku : m.bySku.slice().reverse();
  else p = radixOrder(m.num[key], m.bySku, dir);
  m.perms.set(id, p);
  return p;
}

/** The rows whose "sku description" holds `q` (lower-case), as a 0/1 mask: indexOf over the one text, O(length). */
function searchMask(m: TableModel, q: string): Uint8Array {
  if (m.lastSearch !== null && m.lastSearch.q === q) return m.lastSearch.mask;
  const mask = new Uint8Array(m.n);
  const starts = m.textStart;
  let row = 0;
  let pos = m.text.indexOf(q);
  while (pos >= 0) {
    // matches come in text order: the row holding `pos` is found by walking forward, O(n) over the whole scan
    while (starts[row + 1]! <= pos) row++;
    mask[row] = 1;
    pos = m.text.indexOf(q, starts[row + 1]!);
  }
  m.lastSearch = { q, mask };
  return mask;
}

/** The code a filter value has in a column: -1 no filter, -2 a value the column does not hold (matches nothing). */
function codeOf(col: CategoryColumn, value: string): number {
  if (value === '') return -1;
  const i = col.values.indexOf(value);
  return i < 0 ? -2 : i + 1;
}

/** The row indexes the view shows, in its order: one pass over the sort's permutation. */
export function applyView(m: TableModel, v: TableView): Uint32Array {
  const p = permutation(m, v.sort, v.dir);
  const out = new Uint32Array(m.n);
  const q = v.q.trim().toLowerCase();
  const cols: Uint32Array[] = [];
  const want: number[] = [];
  for (const k of ['abc', 'xyz', 'stage', 'supplier'] as const) {
    const code = codeOf(m.cat[k], v[k]);
    if (code === -2) return out.subarray(0, 0);
    if (code >= 0) {
      cols.push(m.cat[k].codes);
      want.push(code);
    }
  }
  const alerts = m.cat.alert.codes;
  const alertMode = v.alert === '' ? 0 : v.alert === '*' ? 1 : v.alert === 'none' ? 2 : 3;
  const alertCode = alertMode === 3 ? codeOf(m.cat.alert, v.alert) : 0;
  if (alertCode === -2) return out.subarray(0, 0);
  const hit = q === '' ? null : searchMask(m, q.replace(/\n/g, ' '));
  let k = 0;
  outer: for (let j = 0; j < p.length; j++) {
    const i = p[j]!;
    for (let f = 0; f < cols.length; f++) if (cols[f]![i] !== want[f]) continue outer;
    if (alertMode === 1 && alerts[i] === 0) continue;
    if (alertMode === 2 && alerts[i] !== 0) continue;
    if (alertMode === 3 && alerts[i] !== alertCode) continue;
    if (hit !== null && hit[i] === 0) continue;
    out[k++] = i;
  }
  return out.subarray(0, k);
}

const SORTS: readonly SortKey[] = ['sku', ...NUMBERS];

/** The view a URL query names (unknown values fall back to the defaults). */
export function viewFromQuery(q: Record<string, string | undefined>): TableView {
  const sort = SORTS.includes(q['sort'] as SortKey) ? (q['sort'] as SortKey) : DEFAULT_VIEW.sort;
  const dir = q['dir'] === 'asc' || q['dir'] === 'desc' ? q['dir'] : defaultDir(sort);
  return {
    q: q['q'] ?? '',
    abc: q['abc'] ?? '',
    xyz: q['xyz'] ?? '',
    stage: q['stage'] ?? '',
    supplier: q['supplier'] ?? '',
    alert: q['alert'] ?? '',
    sort,
    dir,
  };
}

/** The direction a column sorts in when first clicked: the most urgent or largest first, SKUs and days ascending. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'sku' || key === 'days_of_stock' ? 'asc' : 'desc';
}

/** The URL query of a view: only what differs from the defaults, in a fixed order. */
export function queryOfView(v: TableView): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of ['q', 'abc', 'xyz', 'stage', 'supplier', 'alert'] as const) if (v[k] !== '') out[k] = v[k];
  if (v.sort !== DEFAULT_VIEW.sort || v.dir !== DEFAULT_VIEW.dir) {
    out['sort'] = v.sort;
    out['dir'] = v.dir;
  }
  return out;
}

/** An alert kind in words. */
const ALERT_NAMES: Record<string, string> = {
  stockout: 'stock-out',
  tracking_signal: 'forecast bias',
  coverage: 'interval coverage',
  drift: 'drift',
  anomaly: 'anomaly',
};
export const alertName = (kind: string): string => ALERT_NAMES[kind] ?? kind.replace(/_/g, ' ');
