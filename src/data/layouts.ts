import { InputError } from './errors.js';

/**
 * File layouts shopcast recognises by their columns (DESIGN.md, "Input contract"), and the
 * mapping of a file's own column names onto the canonical ones.
 */

export type LayoutKind = 'order_lines' | 'daily_sales' | 'catalog' | 'stock' | 'suppliers' | 'bundles';

export interface LayoutSpec {
  kind: LayoutKind;
  /** Canonical column names, required first, in the order rows are staged. */
  required: readonly string[];
  optional: readonly string[];
  /**
   * Columns staged only when the file has them (after the optional ones): a row of a file without them keeps the
   * identity it had before they were known (store/ingest.ts hashes the staged columns).
   */
  extended?: readonly string[];
}

/**
 * Order lines, one row per product on an order: order id, time, SKU, quantity, unit price.
 * @example ORDER_LINES.required // ['order_id', 'ordered_at', 'sku', 'quantity', 'unit_price']
 */
export const ORDER_LINES: LayoutSpec = {
  kind: 'order_lines',
  required: ['order_id', 'ordered_at', 'sku', 'quantity', 'unit_price'],
  optional: ['customer_id', 'country', 'channel', 'description'],
  // the warehouse or store that shipped the line (Amazon: FBA or merchant-fulfilled); whether it sold on promotion
  extended: ['location', 'promo'],
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
  // supplier: who it is bought from; status: active, archived (discontinued) or draft (not launched);
  // continue_selling: orders are taken when it is out of stock, so its zero-stock days are not lost sales
  extended: ['supplier', 'status', 'continue_selling'],
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
  // the warehouse or store holding it: a snapshot has a row per SKU and location
  extended: ['location'],
};

/**
 * A supplier's terms, one row per supplier: lead time and its spread in days, the minimum per SKU line (`moq`, units)
 * and per purchase order (`min_order_units`, `min_order_value`), the cost of placing an order, the days between
 * reviews of its orders and the currency of its prices. A stock row's own lead time, MOQ and order cost win.
 * @example SUPPLIERS.required // ['supplier']
 */
export const SUPPLIERS: LayoutSpec = {
  kind: 'suppliers',
  required: ['supplier'],
  optional: [
    'lead_time_days',
    'lead_time_sd_days',
    'moq',
    'min_order_units',
    'min_order_value',
    'order_cost',
    'review_days',
    'currency',
  ],
};

/**
 * Bundles and kits: one row per component of a bundle SKU, with how many of it one bundle holds. A bundle's sales are
 * demand for its components; only components are stocked and ordered.
 * @example BUNDLES.required // ['bundle_sku', 'component_sku', 'quantity']
 */
export const BUNDLES: LayoutSpec = {
  kind: 'bundles',
  required: ['bundle_sku', 'component_sku', 'quantity'],
  optional: [],
};

/** In the order they are tried: a file with order-line columns is order lines even if it has a name column. */
export const LAYOUTS: readonly LayoutSpec[] = [ORDER_LINES, DAILY_SALES, CATALOG, STOCK, BUNDLES, SUPPLIERS];

/**
 * Order lines of a platform export that says which orders were cancelled: one more column, `order_status`
 * (`cancelled`: the order was cancelled or voided, its lines are not demand; `refunded`: money went back, the units
 * stay demand). Only exports that carry it stage it, so the rows of other files keep their identity.
 */
export const PLATFORM_ORDER_LINES: LayoutSpec = {
  kind: 'order_lines',
  required: ORDER_LINES.required,
  optional: [...ORDER_LINES.optional, 'order_status'],
  extended: ORDER_LINES.extended ?? [],
};

/**
 * A per-file rewrite of an export's records before they are checked (stateful: a reading of the file makes one),
 * giving the fields in the header's order plus the columns it derives (`derived`), appended in that order.
 */
export type RecordTransform = (fields: readonly string[]) => string[];

/** A known export: its columns → canonical columns, and what must be derived from its rows. */
interface KnownExport {
  name: string;
  /** the platform, for messages */
  platform?: string;
  kind: LayoutKind;
  spec?: LayoutSpec;
  /** canonical column → the export's column, or its names in different versions of the export (aliases) */
  columns: Record<string, string | readonly string[]>;
  dateOrder?: 'mdy' | 'dmy';
  /** canonical columns the transform appends to each record */
  derived?: readonly string[];
  transform?: (header: readonly string[]) => RecordTransform;
  /** columns that mark a file as this export even when a required one is missing, and how to get a full export */
  signature?: readonly string[];
  howToExport?: string;
  /** a file with these columns is this export, refused with this message (it cannot give demand) */
  refuse?: string;
}

/** An Excel serial day number (days since 1899-12-30, a fraction for the time) as `YYYY-MM-DD HH:MM:SS`. */
function excelSerial(text: string): string | undefined {
  if (!/^\d{5}(?:\.\d+)?$/.test(text)) return undefined;
  const ms = Math.round((Number(text) - 25569) * 86_400_000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * Shopify's orders export (Orders → Export, one row per line item): order-level fields are written on an order's
 * first row only, so they are carried to the order's other rows; an order with `Cancelled at` set, or with
 * `Financial Status` voided, is cancelled; refunded and partially_refunded orders are marked `refunded` (their
 * `Refunded Amount` is money for the whole order: no units are removed). A leading apostrophe (Excel's text marker)
 * is dropped from codes, dates and numbers, and Excel serial numbers in the date columns are read as dates. A line
 * with a discount code on its order, a discount of its own or a compare-at price above its price is on promotion.
 * Timestamps keep the shop's wall-clock time (the export writes them in the shop's time zone, with its offset).
 */
function shopifyOrders(header: readonly string[]): RecordTransform {
  const at = (name: string): number => indexOf(header, name);
  const order = at('Name');
  const carried = [
    'Email',
    'Financial Status',
    'Cancelled at',
    'Created at',
    'Source',
    'Shipping Country',
    'Location',
    'Discount Code',
  ]
    .map(at)
    .filter((i) => i >= 0);
  const codes = ['Name', 'Email', 'Lineitem sku', 'Lineitem quantity', 'Lineitem price', 'Created at', 'Cancelled at']
    .map(at)
    .filter((i) => i >= 0);
  const dates = ['Created at', 'Cancelled at'].map(at).filter((i) => i >= 0);
  const [status, cancelledAt] = [at('Financial Status'), at('Cancelled at')];
  const [code, discount, price, compareAt] = [
    at('Discount Code'),
    at('Lineitem discount'),
    at('Lineitem price'),
    at('Lineitem compare at price'),
  ];
  const num = (i: number, fields: readonly string[]): number =>
    i < 0 ? NaN : Number((fields[i] ?? '').trim().replace(/^'/, ''));
  let lastOrder = '';
  let last: string[] = [];
  return (fields) => {
    const out = [...fields];
    for (const i of codes) if (out[i]?.startsWith("'")) out[i] = out[i]!.slice(1);
    const id = (out[order] ?? '').trim();
    if (id !== '' && id === lastOrder)
      for (const i of carried) if ((out[i] ?? '').trim() === '') out[i] = last[i] ?? '';
    if (id !== lastOrder) [lastOrder, last] = [id, out];
    for (const i of dates) out[i] = excelSerial((out[i] ?? '').trim()) ?? out[i]!;
    const financial = (out[status] ?? '').trim().toLowerCase();
    const cancelled = (out[cancelledAt] ?? '').trim() !== '' || financial === 'voided';
    out.push(
      cancelled ? 'cancelled' : financial === 'refunded' || financial === 'partially_refunded' ? 'refunded' : '',
    );
    // a promotion: a discount code on the order, a discount on the line, or a compare-at price above the price
    const promo =
      (code >= 0 && (out[code] ?? '').trim() !== '') || num(discount, out) > 0 || num(compareAt, out) > num(price, out);
    out.push(promo ? 'true' : 'false');
    return out;
  };
}

/** Amazon's fulfilment channels as stock locations. */
const AMAZON_LOCATIONS: Readonly<Record<string, string>> = {
  AFN: 'Amazon FBA',
  AMAZON: 'Amazon FBA',
  MFN: 'Merchant fulfilled',
  MERCHANT: 'Merchant fulfilled',
};

/**
 * Amazon Seller Central's All Orders report (tab-separated, one row per item): `item-price` is the price of the
 * row's whole quantity, so the unit price is item-price / quantity; a row whose `order-status` or `item-status` is
 * Cancelled is cancelled (Amazon writes quantity 0 there, whatever was ordered, and often no price). A pending order
 * without a price yet is rejected for its empty unit price, with its line. `fulfillment-channel` (Amazon or Merchant)
 * is the channel and gives the location (fulfilled by Amazon or by the merchant).
 */
function amazonOrders(header: readonly string[]): RecordTransform {
  const at = (name: string): number => indexOf(header, name);
  const [quantity, price, orderStatus, itemStatus] = ['quantity', 'item-price', 'order-status', 'item-status'].map(at);
  const channel = at('fulfillment-channel');
  return (fields) => {
    const out = [...fields];
    const q = Number((out[quantity!] ?? '').trim());
    const total = (out[price!] ?? '').trim();
    if (total !== '' && Number.isFinite(Number(total)) && q > 0) out[price!] = String(Number(total) / q);
    const cancelled = [orderStatus!, itemStatus!].some((i) => (out[i] ?? '').trim().toLowerCase() === 'cancelled');
    // a cancelled item often has no price: it is not demand either way
    if (cancelled && total === '') out[price!] = '0';
    out.push(cancelled ? 'cancelled' : '');
    // fulfilled by Amazon (AFN) or by the merchant (MFN): two stock locations
    const by = channel >= 0 ? (out[channel] ?? '').trim() : '';
    out.push(AMAZON_LOCATIONS[by.toUpperCase()] ?? by);
    return out;
  };
}

/**
 * WooCommerce's order export of the Customer/Order CSV Export extension, in its "one row per item" format: the
 * unit price is the item's subtotal (before discounts) over its quantity; orders with status cancelled or failed are
 * cancelled (never completed), refunded ones keep their units (a return is not negative demand) and are marked
 * `refunded`. The status may be written `wc-cancelled`.
 */
function wooCommerceOrders(header: readonly string[]): RecordTransform {
  const at = (names: readonly string[]): number => columnAt(header, names);
  const quantity = at(['item_quantity', 'item_qty']);
  const subtotal = at(['item_subtotal', 'item_total']);
  const status = at(['status', 'order_status']);
  return (fields) => {
    const out = [...fields];
    const q = Number((out[quantity] ?? '').trim());
    const total = (out[subtotal] ?? '').trim();
    if (total !== '' && Number.isFinite(Number(total)) && q > 0) out[subtotal] = String(Number(total) / q);
    const s = (out[status] ?? '').trim().toLowerCase().replace(/^wc-/, '');
    out.push(s === 'cancelled' || s === 'failed' ? 'cancelled' : s === 'refunded' ? 'refunded' : '');
    return out;
  };
}

/** Text without HTML tags and entities of the common kind (a product description for people and for matching). */
function plainText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ', '#39': "'" };
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|nbsp|#39);/g, (_, e: string) => entities[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Shopify's products export, in both header dialects (`Handle, Title, Body (HTML), Variant SKU, Variant Price, …`
 * and the 2024 `URL handle, Title, Description, SKU, Price, …`): one row per variant (and per extra image), the
 * product's own fields on its first row only, carried to its variants by the handle; a variant is named with its
 * option values ("Ceramic Mug - Red"); the description's HTML is reduced to text; the category is the product
 * category, else the type; a leading apostrophe is dropped from the SKU. Rows without a SKU (extra images, variants
 * without one) are rejected with their line.
 */
function shopifyProducts(header: readonly string[]): RecordTransform {
  const at = (names: readonly string[]): number => columnAt(header, names);
  const handle = at(['Handle', 'URL handle']);
  const carried = [['Title'], ['Body (HTML)', 'Description'], ['Vendor'], ['Type'], ['Product Category'], ['Status']]
    .map(at)
    .filter((i) => i >= 0);
  const body = at(['Body (HTML)', 'Description']);
  const sku = at(['Variant SKU', 'SKU']);
  const [title, category, type] = [at(['Title']), at(['Product Category']), at(['Type'])];
  const options = [['Option1 Value'], ['Option2 Value'], ['Option3 Value']].map(at).filter((i) => i >= 0);
  const policy = at(['Variant Inventory Policy']);
  let lastHandle = '';
  let last: string[] = [];
  return (fields) => {
    const out = [...fields];
    const h = (out[handle] ?? '').trim();
    if (h !== '' && h === lastHandle) for (const i of carried) if ((out[i] ?? '').trim() === '') out[i] = last[i] ?? '';
    if (h !== lastHandle) [lastHandle, last] = [h, [...out]];
    if (body >= 0) out[body] = plainText(out[body] ?? '');
    if (sku >= 0 && out[sku]?.startsWith("'")) out[sku] = out[sku]!.slice(1);
    // a variant is named as Shopify shows it: "Ceramic Mug - Red" (a product without options has "Default Title")
    const values = options.map((i) => (out[i] ?? '').trim()).filter((v) => v !== '' && v !== 'Default Title');
    if (title >= 0 && values.length > 0 && (out[title] ?? '').trim() !== '')
      out[title] = `${out[title]!.trim()} - ${values.join(' / ')}`;
    if (category >= 0 && type >= 0 && (out[category] ?? '').trim() === '') out[category] = out[type] ?? '';
    // inventory policy `continue`: the variant sells when out of stock; `deny`: it does not
    if (policy >= 0) out[policy] = { continue: 'true', deny: 'false' }[(out[policy] ?? '').trim().toLowerCase()] ?? '';
    return out;
  };
}

/**
 * WooCommerce's product CSV export (Products → Export): the short description, else the description, as text; the
 * first of the product's categories (`Clothing > Hoodies, Sale` → `Clothing > Hoodies`).
 */
function wooCommerceProducts(header: readonly string[]): RecordTransform {
  const at = (name: string): number => indexOf(header, name);
  const [short, long, categories] = [at('Short description'), at('Description'), at('Categories')];
  const backorders = at('Backorders allowed?');
  return (fields) => {
    const out = [...fields];
    if (short >= 0) out[short] = plainText(out[short] ?? '') || plainText(long >= 0 ? (out[long] ?? '') : '');
    if (categories >= 0) out[categories] = (out[categories] ?? '').split(',')[0]!.trim();
    // backorders allowed (1), allowed with a notice (notify) or not (0)
    if (backorders >= 0)
      out[backorders] = (out[backorders] ?? '').trim().toLowerCase() === 'notify' ? '1' : out[backorders]!;
    return out;
  };
}

/**
 * Shopify's inventory export: a leading apostrophe (Excel's text marker) is dropped from the SKU; a variant the
 * location never stocks (`not stocked`) has no stock there, which the row says with an empty on-hand (refused, named).
 */
function shopifyInventory(header: readonly string[]): RecordTransform {
  const [sku, available] = [indexOf(header, 'SKU'), indexOf(header, 'Available')];
  return (fields) => {
    const out = [...fields];
    if (out[sku]?.startsWith("'")) out[sku] = out[sku]!.slice(1);
    if ((out[available] ?? '').trim().toLowerCase() === 'not stocked') out[available] = '';
    return out;
  };
}

/** Known exports recognised as they are: their columns → canonical columns. */
const KNOWN_EXPORTS: readonly KnownExport[] = [
  {
    // Products → Inventory → Export, "All quantity types": one row per variant and location. Available (on hand less
    // committed and unavailable units) is what the shop can still sell; incoming is on order.
    name: 'shopify-inventory',
    platform: 'Shopify inventory export',
    kind: 'stock',
    columns: { sku: 'SKU', on_hand: 'Available', on_order: 'Incoming', location: 'Location' },
    transform: shopifyInventory,
    signature: ['Handle', 'Location', 'Incoming', 'Unavailable', 'Committed', 'Available', 'On hand', 'HS Code'],
    howToExport:
      'in Shopify admin, Products → Inventory → Export, "All locations" and "All quantity types" (one row per ' +
      'variant and location)',
  },
  {
    name: 'woocommerce-products',
    platform: 'WooCommerce product export',
    kind: 'catalog',
    columns: {
      sku: 'SKU',
      name: 'Name',
      description: 'Short description',
      category: 'Categories',
      price: 'Regular price',
      continue_selling: 'Backorders allowed?',
    },
    transform: wooCommerceProducts,
    signature: ['Is featured?', 'Visibility in catalog', 'Regular price', 'Categories', 'In stock?', 'Tax status'],
    howToExport: 'from WooCommerce → Products → Export (all columns)',
  },
  {
    name: 'shopify-products',
    platform: 'Shopify products export',
    kind: 'catalog',
    columns: {
      sku: ['Variant SKU', 'SKU'],
      name: 'Title',
      description: ['Body (HTML)', 'Description'],
      category: ['Product Category', 'Type'],
      brand: 'Vendor',
      price: ['Variant Price', 'Price'],
      cost: 'Cost per item',
      supplier: 'Vendor',
      status: 'Status',
      continue_selling: ['Variant Inventory Policy', 'Continue selling when out of stock'],
    },
    transform: shopifyProducts,
    signature: ['Handle', 'URL handle', 'Title', 'Vendor', 'Variant SKU', 'Variant Price', 'Published', 'Status'],
    howToExport: 'in Shopify admin, Products → Export → "All products" as "Plain CSV file"',
  },
  {
    // WooCommerce → Analytics → Orders → Download: one row per order, its products in one text
    name: 'woocommerce-analytics-orders',
    platform: 'WooCommerce Analytics orders download',
    kind: 'order_lines',
    columns: {},
    signature: ['Order #', 'Product(s)', 'Items sold', 'Net Sales'],
    refuse:
      "is WooCommerce's Analytics orders download: one row per order, its products run together in one text, so it " +
      'cannot say how many of each product sold. Export the orders one row per line item instead: WooCommerce → ' +
      'Customer/Order CSV Export, format "Default – One Row per Item" (or a CSV of order line items with order id, ' +
      'date, SKU, quantity and unit price)',
  },
  {
    name: 'woocommerce-orders',
    platform: 'WooCommerce order export (one row per item)',
    kind: 'order_lines',
    spec: PLATFORM_ORDER_LINES,
    columns: {
      order_id: ['order_number', 'order_id'],
      ordered_at: 'order_date',
      sku: 'item_sku',
      quantity: ['item_quantity', 'item_qty'],
      unit_price: ['item_subtotal', 'item_total'],
      customer_id: ['billing_email', 'customer_id'],
      country: ['shipping_country', 'billing_country'],
      description: 'item_name',
    },
    derived: ['order_status'],
    transform: wooCommerceOrders,
    signature: ['order_date', 'item_sku', 'item_quantity', 'item_subtotal', 'item_name', 'billing_email'],
    howToExport: 'from WooCommerce → Customer/Order CSV Export with the format "Default – One Row per Item"',
  },
  {
    name: 'amazon-all-orders',
    platform: 'Amazon All Orders report',
    kind: 'order_lines',
    spec: PLATFORM_ORDER_LINES,
    columns: {
      order_id: 'amazon-order-id',
      ordered_at: 'purchase-date',
      sku: 'sku',
      quantity: 'quantity',
      unit_price: 'item-price',
      country: 'ship-country',
      channel: 'fulfillment-channel',
      description: 'product-name',
    },
    derived: ['order_status', 'location'],
    transform: amazonOrders,
    signature: ['amazon-order-id', 'purchase-date', 'order-status', 'fulfillment-channel', 'item-status', 'asin'],
    howToExport:
      'in Seller Central, Reports → Fulfillment → All Orders (or Order Reports → All Orders), as a tab-delimited file',
  },
  {
    name: 'shopify-orders',
    platform: 'Shopify orders export',
    kind: 'order_lines',
    spec: PLATFORM_ORDER_LINES,
    columns: {
      order_id: 'Name',
      ordered_at: 'Created at',
      sku: 'Lineitem sku',
      quantity: 'Lineitem quantity',
      unit_price: 'Lineitem price',
      customer_id: 'Email',
      country: 'Shipping Country',
      channel: 'Source',
      description: 'Lineitem name',
      location: 'Location',
    },
    derived: ['order_status', 'promo'],
    transform: shopifyOrders,
    signature: ['Name', 'Financial Status', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Created at'],
    howToExport:
      'in Shopify admin, Orders → Export → "All orders" as "Plain CSV file" (one row per line item, all columns)',
  },
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
  /** canonical column → index in the file's header, -1 when absent (a derived column: past the header's end) */
  index: Record<string, number>;
  dateOrder: 'mdy' | 'dmy' | undefined;
  decimal: '.' | ',' | undefined;
  /** makes the record rewrite of a known export (one per reading of the file), when it needs one */
  transform?: () => RecordTransform;
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

/** The index of the first of `names` (a column's names in an export's versions) the header has, -1 for none. */
function columnAt(header: readonly string[], names: readonly string[]): number {
  for (const n of names) {
    const i = indexOf(header, n);
    if (i >= 0) return i;
  }
  return -1;
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
  for (const c of [...spec.optional, ...(spec.extended ?? [])]) index[c] = indexOf(header, columns(c));
  return { spec, name, index, dateOrder: undefined, decimal: undefined };
}

/** How to tell a user which columns are needed and how to map theirs. */
export function layoutHelp(): string {
  const needs = (what: string, spec: LayoutSpec): string => {
    const optional = [...spec.optional, ...(spec.extended ?? [])];
    const more = optional.length > 0 ? ` (optional: ${optional.join(', ')})` : '';
    return `${what} need ${spec.required.join(', ')}${more}`;
  };
  return [
    needs('order-line files', ORDER_LINES).replace('need', 'need columns'),
    needs('daily-sales files', DAILY_SALES),
    needs('catalog files', CATALOG),
    needs('stock files', STOCK),
    needs('supplier files', SUPPLIERS),
    needs('bundle files', BUNDLES),
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
    const signature = known.signature ?? [];
    const looksLike = signature.length > 0 && signature.filter((c) => indexOf(header, c) >= 0).length >= 3;
    if (known.refuse !== undefined) {
      if (looksLike) throw new LayoutError(`${file} ${known.refuse}`);
      continue;
    }
    const spec = known.spec ?? LAYOUTS.find((l) => l.kind === known.kind)!;
    const derived = known.derived ?? [];
    // an alias list: the first name the header has (or the first, to report as missing)
    const named = (c: string): string => {
      const v = known.columns[c] ?? c;
      if (typeof v === 'string') return v;
      const i = columnAt(header, v);
      return i >= 0 ? header[i]! : v[0]!;
    };
    const res = resolveWith(header, spec, known.name, (c) => (derived.includes(c) ? '\u0000' : named(c)));
    // an export with a signature is taken for itself only when its signature shows: a plain catalog with sku and
    // name columns is no WooCommerce export
    const mine = signature.length === 0 || looksLike;
    if (res !== undefined && mine && spec.required.every((c) => known.columns[c] !== undefined)) {
      derived.forEach((c, k) => (res.index[c] = header.length + k));
      const transform = known.transform;
      return {
        ...res,
        dateOrder: known.dateOrder,
        ...(transform === undefined ? {} : { transform: () => transform(header) }),
      };
    }
    if (looksLike) {
      const missing = spec.required.map(named).filter((c) => indexOf(header, c) < 0);
      throw new LayoutError(
        `${file}: looks like a ${known.platform ?? known.name} but has no ${missing.map((c) => `'${c}'`).join(', ')} ` +
          `column${missing.length === 1 ? '' : 's'}; export it ${known.howToExport ?? 'again with all columns'}`,
      );
    }
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
  const known = new Set([...spec.required, ...spec.optional, ...(spec.extended ?? [])]);
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
