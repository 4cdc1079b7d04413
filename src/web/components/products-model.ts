// The product table's data in memory: GET /skus/table's columns turned into typed arrays once (numbers as
// Float64Array with NaN for null, categories as integer codes), so a filter or a sort over 100,000 SKUs is a walk
// over arrays and an index permutation, never a copy of row objects. A sort's permutation is computed once per key
// and direction (O(n log n)) and kept; a filter then walks it (O(n)) and keeps the rows that pass.

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
  /** lower-cased "sku description" per row, for the search */
  haystack: string[];
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
  const haystack = new Array<string>(n);
  for (let i = 0; i < n; i++) haystack[i] = `${c.sku[i]} ${c.description[i] ?? ''}`.toLowerCase();
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
    haystack,
    perms: new Map(),
  };
}

/**
 * The rows in the order of `key` and `dir`: missing values (null) last in both directions, ties by SKU ascending.
 * O(n log n) the first time, then kept in the model.
 */
export function permutation(m: TableModel, key: SortKey, dir: SortDir): Uint32Array {
  const id = `${key}:${dir}`;
  const kept = m.perms.get(id);
  if (kept !== undefined) return kept;
  const p = new Uint32Array(m.n);
  for (let i = 0; i < m.n; i++) p[i] = i;
  const bySku = (a: number, b: number): number => {
    const x = m.sku[a]!;
    const y = m.sku[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  if (key === 'sku') {
    p.sort(dir === 'asc' ? bySku : (a, b) => bySku(b, a));
  } else {
    const v = m.num[key];
    const sign = dir === 'asc' ? 1 : -1;
    p.sort((a, b) => {
      const x = v[a]!;
      const y = v[b]!;
      const xm = x !== x;
      const ym = y !== y;
      if (xm || ym) return xm === ym ? bySku(a, b) : xm ? 1 : -1;
      return x === y ? bySku(a, b) : (x - y) * sign;
    });
  }
  m.perms.set(id, p);
  return p;
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
  const filters: [Uint32Array, number][] = [];
  for (const k of ['abc', 'xyz', 'stage', 'supplier'] as const) {
    const code = codeOf(m.cat[k], v[k]);
    if (code === -2) return out.subarray(0, 0);
    if (code >= 0) filters.push([m.cat[k].codes, code]);
  }
  const alerts = m.cat.alert.codes;
  const alertMode = v.alert === '' ? 0 : v.alert === '*' ? 1 : v.alert === 'none' ? 2 : 3;
  const alertCode = alertMode === 3 ? codeOf(m.cat.alert, v.alert) : 0;
  if (alertCode === -2) return out.subarray(0, 0);
  const hay = m.haystack;
  let k = 0;
  outer: for (let j = 0; j < p.length; j++) {
    const i = p[j]!;
    for (const [codes, code] of filters) if (codes[i] !== code) continue outer;
    if (alertMode === 1 && alerts[i] === 0) continue;
    if (alertMode === 2 && alerts[i] !== 0) continue;
    if (alertMode === 3 && alerts[i] !== alertCode) continue;
    if (q !== '' && !hay[i]!.includes(q)) continue;
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
