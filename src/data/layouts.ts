import { InputError } from './errors.js';

/**
 * File layouts shopcast recognises by their columns (DESIGN.md, "Input contract"), and the
 * mapping of a file's own column names onto the canonical ones.
 */

export type LayoutKind = 'order_lines' | 'daily_sales' | 'catalog' | 'stock';

export interface LayoutSpec {
  kind: LayoutKind;
  /** Canonical column names, required first, in the order rows are staged. */
  required: readonly string[];
  optional: readonly string[];
}

/**
 * Order lines, one row per product on an order: order id, time, SKU, quantity, unit price.
 * @example ORDER_LINES.required // ['order_id', 'ordered_at', 'sku', 'quantity', 'unit_price']
 */
export const ORDER_LINES: LayoutSpec = {
  kind: 'order_lines',
  required: ['order_id', 'ordered_at', 'sku', 'quantity', 'unit_price'],
  optional: ['customer_id', 'country', 'channel', 'description'],
};

/**
 * Daily sales, one row per SKU and day: units sold, optionally price, promotion and whether the shop was open.
 * @example DAILY_SALES.required // ['sku', 'date', 'units']
 */
export const DAILY_SALES: LayoutSpec = {
  kind: 'daily_sales',
  required: ['sku', 'date', 'units'],
  optional: ['price', 'promo', 'open'],
};

export const CATALOG: LayoutSpec = {
  kind: 'catalog',
  required: ['sku', 'name'],
  optional: ['description', 'category', 'brand', 'price', 'cost', 'launched_at', 'discontinued_at'],
};

export const STOCK: LayoutSpec = {
  kind: 'stock',
  required: ['sku', 'on_hand'],
  optional: [
    'on_order',
    'lead_time_days',
    'lead_time_sd_days',
    'unit_cost',
    'order_cost',
    'holding_rate',
    'moq',
    'pack_size',
    'supplier',
    // the day the on-hand was counted: each date is a stock snapshot (store/stock.ts)
    'date',
  ],
};

/** In the order they are tried: a file with order-line columns is order lines even if it has a name column. */
export const LAYOUTS: readonly LayoutSpec[] = [ORDER_LINES, DAILY_SALES, CATALOG, STOCK];

/** Known exports recognised as they are: their columns → canonical columns. */
const KNOWN_EXPORTS: readonly {
  name: string;
  kind: LayoutKind;
  columns: Record<string, string>;
  dateOrder?: 'mdy' | 'dmy';
}[] = [
  {
    // UCI Online Retail (Chen, Sain & Guo 2012); invoice numbers starting with C are cancellations;
    // its dates are written month first (12/1/2010 8:26) where they are not ISO.
    name: 'uci-online-retail',
    kind: 'order_lines',
    dateOrder: 'mdy',
    columns: {
      order_id: 'InvoiceNo',
      sku: 'StockCode',
      description: 'Description',
      quantity: 'Quantity',
      ordered_at: 'InvoiceDate',
      unit_price: 'UnitPrice',
      customer_id: 'CustomerID',
      country: 'Country',
    },
  },
  {
    // UCI Online Retail II uses shorter names for the same columns.
    name: 'uci-online-retail',
    kind: 'order_lines',
    dateOrder: 'mdy',
    columns: {
      order_id: 'Invoice',
      sku: 'StockCode',
      description: 'Description',
      quantity: 'Quantity',
      ordered_at: 'InvoiceDate',
      unit_price: 'Price',
      customer_id: 'Customer ID',
      country: 'Country',
    },
  },
];

/** A mapping file: `{"layout": "daily_sales", "columns": {"sku": "Store", ...}, "date_order": "dmy"}`. */
export interface ColumnMapping {
  layout: LayoutKind;
  columns: Record<string, string>;
  /**
   * How to read dates written with slashes or dots: month/day/year or day/month/year. Without it,
   * the file's dates decide (data/date-order.ts).
   */
  date_order?: 'mdy' | 'dmy';
  /** Decimal separator of numbers; ',' for files that write 2,55. */
  decimal?: '.' | ',';
  /** Field delimiter, when it should not be detected. */
  delimiter?: string;
}

/** The result of recognising a file: which layout, and the index of each canonical column. */
export interface ResolvedLayout {
  spec: LayoutSpec;
  /** e.g. 'uci-online-retail', 'order-lines', 'daily-sales', 'mapped' */
  name: string;
  /** canonical column → index in the file's header, -1 when absent */
  index: Record<string, number>;
  dateOrder: 'mdy' | 'dmy' | undefined;
  decimal: '.' | ',' | undefined;
}

/** Lower-case, letters and digits only: `Order ID`, `order_id` and `OrderId` all read `orderid`. */
export function normaliseColumnName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export class LayoutError extends InputError {}

function indexOf(header: readonly string[], column: string): number {
  const want = normaliseColumnName(column);
  return header.findIndex((h) => normaliseColumnName(h) === want);
}

function resolveWith(
  header: readonly string[],
  spec: LayoutSpec,
  name: string,
  columns: (canonical: string) => string,
): ResolvedLayout | undefined {
  const index: Record<string, number> = {};
  for (const c of spec.required) {
    const i = indexOf(header, columns(c));
    if (i < 0) return undefined;
    index[c] = i;
  }
  for (const c of spec.optional) index[c] = indexOf(header, columns(c));
  return { spec, name, index, dateOrder: undefined, decimal: undefined };
}

/** How to tell a user which columns are needed and how to map theirs. */
export function layoutHelp(): string {
  return [
    `order-line files need columns ${ORDER_LINES.required.join(', ')} (optional: ${ORDER_LINES.optional.join(', ')})`,
    `daily-sales files need ${DAILY_SALES.required.join(', ')} (optional: ${DAILY_SALES.optional.join(', ')})`,
    `catalog files need ${CATALOG.required.join(', ')} (optional: ${CATALOG.optional.join(', ')})`,
    `stock files need ${STOCK.required.join(', ')} (optional: ${STOCK.optional.join(', ')})`,
    `to use other names, pass --map FILE with a JSON mapping such as ` +
      `{"layout":"daily_sales","columns":{"sku":"Store","date":"Date","units":"Sales","open":"Open","promo":"Promo"}}`,
  ].join('; ');
}

/**
 * Recognises a file's layout from its header: a mapping file when given, else the known exports,
 * else the canonical names of each layout. Column names match ignoring case, spaces and punctuation.
 * Throws LayoutError listing the columns found and needed.
 * @example
 * resolveLayout('orders.csv', ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice'])
 * // → name 'uci-online-retail', spec ORDER_LINES, index { order_id: 0, sku: 1, quantity: 3, …, customer_id: -1 }
 */
export function resolveLayout(file: string, header: readonly string[], mapping?: ColumnMapping): ResolvedLayout {
  if (mapping !== undefined) {
    const spec = LAYOUTS.find((l) => l.kind === mapping.layout);
    if (spec === undefined) throw new LayoutError(`${file}: mapping names unknown layout '${mapping.layout}'`);
    const missing = spec.required.filter((c) => indexOf(header, mapping.columns[c] ?? c) < 0);
    if (missing.length > 0)
      throw new LayoutError(
        `${file}: the mapping's columns ${missing.map((c) => `${c} → '${mapping.columns[c] ?? c}'`).join(', ')} ` +
          `are not in the file. Columns found: ${header.join(', ')}`,
      );
    const res = resolveWith(header, spec, 'mapped', (c) => mapping.columns[c] ?? c)!;
    return { ...res, dateOrder: mapping.date_order, decimal: mapping.decimal };
  }
  for (const known of KNOWN_EXPORTS) {
    const spec = LAYOUTS.find((l) => l.kind === known.kind)!;
    const res = resolveWith(header, spec, known.name, (c) => known.columns[c] ?? c);
    if (res !== undefined && spec.required.every((c) => known.columns[c] !== undefined))
      return { ...res, dateOrder: known.dateOrder };
  }
  for (const spec of LAYOUTS) {
    const res = resolveWith(header, spec, spec.kind.replace('_', '-'), (c) => c);
    if (res !== undefined) return res;
  }
  throw new LayoutError(`${file}: layout not recognised. Columns found: ${header.join(', ')}. ${layoutHelp()}`);
}

/**
 * Parses and checks a mapping file's JSON text: a known layout, known canonical columns mapped to
 * strings, valid `date_order` and `decimal`. Throws LayoutError naming `file` and the problem.
 * @example
 * const m = parseMapping('map.json', '{"layout":"daily_sales","columns":{"sku":"Store","units":"Sales"}}');
 * resolveLayout('sales.csv', ['Store', 'Date', 'Sales'], m).name; // 'mapped'
 */
export function parseMapping(file: string, text: string): ColumnMapping {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new LayoutError(`${file}: mapping is not valid JSON: ${(e as Error).message}`);
  }
  const m = obj as Partial<ColumnMapping>;
  if (typeof m !== 'object' || m === null || !LAYOUTS.some((l) => l.kind === m.layout))
    throw new LayoutError(`${file}: mapping needs "layout": one of ${LAYOUTS.map((l) => `"${l.kind}"`).join(', ')}`);
  if (typeof m.columns !== 'object' || m.columns === null)
    throw new LayoutError(`${file}: mapping needs "columns": {canonical name: your column name}`);
  const spec = LAYOUTS.find((l) => l.kind === m.layout)!;
  const known = new Set([...spec.required, ...spec.optional]);
  for (const [k, v] of Object.entries(m.columns)) {
    if (!known.has(k)) throw new LayoutError(`${file}: mapping names unknown column '${k}' for layout ${m.layout}`);
    if (typeof v !== 'string') throw new LayoutError(`${file}: mapping of '${k}' must be a column name (a string)`);
  }
  if (m.date_order !== undefined && m.date_order !== 'mdy' && m.date_order !== 'dmy')
    throw new LayoutError(`${file}: "date_order" must be "mdy" or "dmy"`);
  if (m.decimal !== undefined && m.decimal !== '.' && m.decimal !== ',')
    throw new LayoutError(`${file}: "decimal" must be "." or ","`);
  return m as ColumnMapping;
}
