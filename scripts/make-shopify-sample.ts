/**
 * Writes a Shopify-shaped copy of the sample shop (data/sample-shop): what a Shopify merchant with two warehouses,
 * four suppliers and two bundles would export, made from the sample's order lines and stock file. Deterministic.
 *   npm run build && node dist/scripts/make-shopify-sample.js OUT_DIR [--skus N]
 * then: bin/shopcast plan OUT_DIR/* --workspace WS --out PLAN
 *
 * Files (in the platforms' own column layouts, data/layouts.ts):
 * - orders_export.csv: Shopify's orders export, one row per line item, order fields on each order's first row only;
 *   the sample's invoices of its top N products (cancellation invoices left out: Shopify cancels the order itself);
 *   every 37th order cancelled (`Cancelled at`), every 41st refunded; UK orders shipped from "London Warehouse",
 *   the rest from "Rotterdam Warehouse" (`Location`); where an order holds both products of a bundle, as many
 *   bundles as it holds pairs replace them (the components' demand is unchanged).
 * - products_export.csv: Shopify's products export (classic dialect): vendor = the sample stock file's supplier,
 *   cost per item, price = median selling price; the two bundles as products of their own; one product archived.
 * - inventory_export.csv: Shopify's inventory export, one row per variant and location: the stock file's on-hand split
 *   by each location's share of the product's sales, on order arriving at London; for the three products with the
 *   largest share of sales from Rotterdam, all stock in London (and ten more weeks of it): a transfer case.
 * - suppliers.csv: the four suppliers' lead times, MOQ per line, minimum order (units or value), order cost, review
 *   days, currency.
 * - bundles.csv: bundle_sku, component_sku, quantity.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** What `makeShopifySample` wrote, for a test to count by hand. */
export interface ShopifySample {
  dir: string;
  skus: string[];
  bundles: { sku: string; components: [string, string] }[];
  archived: string;
  transferCases: string[];
  /** units of demand by SKU (components, bundles resolved; cancelled orders left out): the hand count */
  demand: Map<string, number>;
  suppliers: { name: string; moq: number; minUnits: number; minValue: number }[];
}

const SUPPLIERS = [
  { name: 'Harbour Gifts Ltd', lead: 7, sd: 0, moq: 0, minUnits: 0, minValue: 150, orderCost: 25, review: 7 },
  { name: 'Kent Homeware', lead: 5, sd: 1, moq: 6, minUnits: 100, minValue: 0, orderCost: 25, review: 7 },
  { name: 'Far East Trading', lead: 21, sd: 4, moq: 24, minUnits: 0, minValue: 600, orderCost: 60, review: 14 },
  { name: 'Paper & Co', lead: 10, sd: 2, moq: 12, minUnits: 0, minValue: 0, orderCost: 30, review: 7 },
];
const LONDON = 'London Warehouse';
const ROTTERDAM = 'Rotterdam Warehouse';

const q = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number | null)[][]): string => rows.map((r) => r.map(q).join(',')).join('\n') + '\n';

interface Line {
  invoice: string;
  sku: string;
  name: string;
  qty: number;
  ts: string;
  price: number;
  customer: string | null;
  country: string;
}

/**
 * Writes the Shopify-shaped sample of the top `skus` products (by lines) of the sample shop into `dir`.
 * @example const s = await makeShopifySample('/tmp/shopify', { skus: 30 }); s.bundles[0].sku // 'BUNDLE-1'
 */
export async function makeShopifySample(dir: string, o: { skus?: number; repo?: string } = {}): Promise<ShopifySample> {
  const repo = o.repo ?? '.';
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const source = join(repo, 'data/sample-shop/order-lines.csv.gz').replace(/'/g, "''");
  const stockFile = join(repo, 'data/sample-shop/stock.csv').replace(/'/g, "''");
  const read = async <T>(text: string): Promise<T[]> => (await conn.runAndReadAll(text)).getRowObjectsJS() as T[];
  await conn.run(`CREATE TABLE ol AS SELECT InvoiceNo AS invoice, StockCode AS sku, Description AS name,
      Quantity::DOUBLE AS qty, strftime(InvoiceDate::TIMESTAMP, '%Y-%m-%d %H:%M:%S') AS ts, UnitPrice::DOUBLE AS price,
      CustomerID AS customer, Country AS country
    FROM read_csv('${source}', header = true, all_varchar = true)
    WHERE NOT starts_with(InvoiceNo, 'C') AND Quantity::DOUBLE > 0 AND UnitPrice::DOUBLE > 0`);
  await conn.run(`CREATE TABLE st AS SELECT * FROM read_csv('${stockFile}', header = true)`);
  const top = await read<{ sku: string }>(`SELECT sku FROM ol WHERE sku IN (SELECT sku FROM st)
    GROUP BY sku ORDER BY count(*) DESC, sku LIMIT ${o.skus ?? 1000}`);
  const skus = top.map((r) => r.sku).sort();
  const chosen = new Set(skus);
  const lines = (await read<Line>(`SELECT * FROM ol ORDER BY ts, invoice, sku`)).filter((l) => chosen.has(l.sku));
  const stock = new Map(
    (
      await read<{ sku: string; on_hand: number; on_order: number; unit_cost: number; supplier: string }>(
        `SELECT sku, on_hand::DOUBLE AS on_hand, coalesce(on_order, 0)::DOUBLE AS on_order, unit_cost::DOUBLE AS unit_cost,
         supplier FROM st`,
      )
    ).map((r) => [r.sku, r]),
  );
  conn.closeSync();
  db.closeSync();

  // orders, in order of their first line
  const orders = new Map<string, Line[]>();
  for (const l of lines) {
    const list = orders.get(l.invoice) ?? [];
    orders.set(l.invoice, list);
    list.push(l);
  }
  // the two pairs of products most often in one order are the bundles
  const pairs = new Map<string, number>();
  for (const list of orders.values()) {
    const set = [...new Set(list.map((l) => l.sku))].sort();
    for (let a = 0; a < set.length; a++)
      for (let b = a + 1; b < set.length; b++)
        pairs.set(`${set[a]}|${set[b]}`, (pairs.get(`${set[a]}|${set[b]}`) ?? 0) + 1);
  }
  const ranked = [...pairs].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const bundles: ShopifySample['bundles'] = [];
  const used = new Set<string>();
  for (const [key] of ranked) {
    const [a, b] = key.split('|') as [string, string];
    if (used.has(a) || used.has(b)) continue;
    bundles.push({ sku: `BUNDLE-${bundles.length + 1}`, components: [a, b] });
    used.add(a).add(b);
    if (bundles.length === 2) break;
  }
  const priceOf = new Map<string, number[]>();
  for (const l of lines) (priceOf.get(l.sku) ?? priceOf.set(l.sku, []).get(l.sku)!).push(l.price);
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const listPrice = new Map([...priceOf].map(([k, v]) => [k, Math.round(median(v) * 100) / 100]));

  const header = [
    'Name', 'Email', 'Financial Status', 'Paid at', 'Fulfillment Status', 'Fulfilled at', 'Accepts Marketing',
    'Currency', 'Subtotal', 'Shipping', 'Taxes', 'Total', 'Discount Code', 'Discount Amount', 'Shipping Method',
    'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Lineitem compare at price', 'Lineitem sku',
    'Lineitem requires shipping', 'Lineitem taxable', 'Lineitem fulfillment status', 'Shipping Country',
    'Cancelled at', 'Payment Method', 'Refunded Amount', 'Vendor', 'Id', 'Tags', 'Source', 'Lineitem discount',
    'Location',
  ]; // prettier-ignore
  const at = (name: string): number => header.indexOf(name);
  const rows: (string | number | null)[][] = [header];
  const demand = new Map<string, number>();
  const add = (sku: string, n: number): void => void demand.set(sku, (demand.get(sku) ?? 0) + n);
  let k = 0;
  for (const [invoice, list] of orders) {
    k++;
    const cancelled = k % 37 === 0;
    const refunded = !cancelled && k % 41 === 0;
    const first = list[0]!;
    // bundles replace pairs
    const qty = new Map<string, number>();
    for (const l of list) qty.set(l.sku, (qty.get(l.sku) ?? 0) + l.qty);
    const items: { sku: string; name: string; qty: number; price: number }[] = [];
    for (const b of bundles) {
      const n = Math.min(qty.get(b.components[0]) ?? 0, qty.get(b.components[1]) ?? 0);
      if (n <= 0) continue;
      qty.set(b.components[0], qty.get(b.components[0])! - n);
      qty.set(b.components[1], qty.get(b.components[1])! - n);
      const price =
        Math.round(((listPrice.get(b.components[0]) ?? 0) + (listPrice.get(b.components[1]) ?? 0)) * 100) / 100;
      items.push({ sku: b.sku, name: `${b.sku} gift set`, qty: n, price });
    }
    const seen = new Set<string>();
    for (const l of list) {
      if (seen.has(l.sku)) continue;
      seen.add(l.sku);
      const n = qty.get(l.sku)!;
      if (n > 0) items.push({ sku: l.sku, name: l.name, qty: n, price: l.price });
    }
    if (!cancelled) for (const l of list) add(l.sku, l.qty);
    items.forEach((it, i) => {
      const r: (string | number | null)[] = header.map(() => null);
      r[at('Name')] = `#${invoice}`;
      r[at('Lineitem quantity')] = it.qty;
      r[at('Lineitem name')] = it.name;
      r[at('Lineitem price')] = it.price.toFixed(2);
      r[at('Lineitem sku')] = it.sku;
      if (i === 0) {
        r[at('Email')] = first.customer === null ? null : `customer${first.customer}@example.com`;
        r[at('Financial Status')] = refunded ? 'refunded' : cancelled ? 'voided' : 'paid';
        r[at('Currency')] = 'GBP';
        r[at('Created at')] = `${first.ts} +0000`;
        r[at('Shipping Country')] = first.country;
        r[at('Cancelled at')] = cancelled ? `${first.ts} +0000` : null;
        r[at('Source')] = 'web';
        r[at('Location')] = first.country === 'United Kingdom' ? LONDON : ROTTERDAM;
      }
      rows.push(r);
    });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'orders_export.csv'), csv(rows));

  // products: vendor = supplier; one archived (the product whose stock lasts least, not in a bundle)
  const weekly = new Map<string, { uk: number; all: number }>();
  const last = lines.at(-1)!.ts.slice(0, 10);
  const since = new Date(Date.parse(`${last}T00:00:00Z`) - 56 * 86_400_000).toISOString().slice(0, 10);
  for (const l of lines) {
    const w = weekly.get(l.sku) ?? { uk: 0, all: 0 };
    weekly.set(l.sku, w);
    if (l.ts.slice(0, 10) <= since) continue;
    w.all += l.qty / 8;
    if (l.country === 'United Kingdom') w.uk += l.qty / 8;
  }
  const ukShare = (sku: string): number => {
    const w = weekly.get(sku)!;
    return w.all > 0 ? w.uk / w.all : 1;
  };
  const selling = skus.filter((s) => (weekly.get(s)?.all ?? 0) > 0);
  const transferCases = [...selling]
    .filter((s) => !used.has(s))
    .sort((a, b) => ukShare(a) - ukShare(b) || (a < b ? -1 : 1))
    .slice(0, 3);
  const archived = [...selling]
    .filter((s) => !used.has(s) && !transferCases.includes(s))
    .sort((a, b) => stock.get(a)!.on_hand / weekly.get(a)!.all - stock.get(b)!.on_hand / weekly.get(b)!.all)[0]!;
  const products: (string | number | null)[][] = [
    ['Handle', 'Title', 'Body (HTML)', 'Vendor', 'Type', 'Variant SKU', 'Variant Inventory Policy', 'Variant Price',
      'Cost per item', 'Status'], // prettier-ignore
  ];
  const nameOf = new Map(lines.map((l) => [l.sku, l.name]));
  for (const s of skus) {
    const st = stock.get(s)!;
    products.push([
      `p-${s.toLowerCase()}`,
      nameOf.get(s) ?? s,
      `<p>${nameOf.get(s) ?? s}</p>`,
      st.supplier,
      'Gifts',
      s,
      'deny',
      (listPrice.get(s) ?? 0).toFixed(2),
      st.unit_cost,
      s === archived ? 'archived' : 'active',
    ]);
  }
  for (const b of bundles) {
    const price = (listPrice.get(b.components[0]) ?? 0) + (listPrice.get(b.components[1]) ?? 0);
    products.push([
      b.sku.toLowerCase(),
      `${b.sku} gift set`,
      '',
      '',
      'Bundles',
      b.sku,
      'deny',
      price.toFixed(2),
      '',
      'active',
    ]);
  }
  writeFileSync(join(dir, 'products_export.csv'), csv(products));

  const inventory: (string | number | null)[][] = [
    ['Handle', 'Title', 'Option1 Name', 'Option1 Value', 'SKU', 'HS Code', 'COO', 'Location', 'Incoming', 'Unavailable',
      'Committed', 'Available', 'On hand'], // prettier-ignore
  ];
  for (const s of skus) {
    const st = stock.get(s)!;
    const planted = transferCases.includes(s);
    const total = planted ? st.on_hand + Math.round(10 * weekly.get(s)!.all) : st.on_hand;
    const london = planted ? total : Math.round(total * ukShare(s));
    const at2 = (loc: string, available: number, incoming: number): (string | number)[] => [
      `p-${s.toLowerCase()}`, nameOf.get(s) ?? s, 'Title', 'Default Title', s, '', 'GB', loc, incoming, 0, 0,
      available, available,
    ]; // prettier-ignore
    inventory.push(at2(LONDON, london, st.on_order));
    inventory.push(at2(ROTTERDAM, total - london, 0));
  }
  writeFileSync(join(dir, 'inventory_export.csv'), csv(inventory));

  writeFileSync(
    join(dir, 'suppliers.csv'),
    csv([
      ['supplier', 'lead_time_days', 'lead_time_sd_days', 'moq', 'min_order_units', 'min_order_value', 'order_cost',
        'review_days', 'currency'], // prettier-ignore
      ...SUPPLIERS.map((s) => [s.name, s.lead, s.sd, s.moq || null, s.minUnits || null, s.minValue || null,
        s.orderCost, s.review, 'GBP']), // prettier-ignore
    ]),
  );
  writeFileSync(
    join(dir, 'bundles.csv'),
    csv([
      ['bundle_sku', 'component_sku', 'quantity'],
      ...bundles.flatMap((b) => b.components.map((c) => [b.sku, c, 1])),
    ]),
  );
  return {
    dir,
    skus,
    bundles,
    archived,
    transferCases,
    demand,
    suppliers: SUPPLIERS.map((s) => ({ name: s.name, moq: s.moq, minUnits: s.minUnits, minValue: s.minValue })),
  };
}

if (process.argv[1]?.endsWith('make-shopify-sample.js')) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: node dist/scripts/make-shopify-sample.js OUT_DIR [--skus N]');
    process.exit(2);
  }
  const at = process.argv.indexOf('--skus');
  const s = await makeShopifySample(dir, at > 0 ? { skus: Number(process.argv[at + 1]) } : {});
  console.log(
    `${s.dir}: ${s.skus.length} products, bundles ${s.bundles.map((b) => `${b.sku} = ${b.components.join(' + ')}`).join(', ')}, ` +
      `archived ${s.archived}, transfer cases ${s.transferCases.join(', ')}`,
  );
}
