/**
 * `shopcast synth`: writes a synthetic shop of any number of SKUs (order lines, catalog, stock) into a folder,
 * made by resampling the bundled sample shop's products (src/synth/shop.ts says how). `plan DIR/*` takes
 * the three files as they are.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { readCsv } from '../data/csv-reader.js';
import { InputError } from '../data/errors.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { type ShopTemplate, SUPPLIERS, type SynthOptions, synthShop, YEAR_DAYS } from '../synth/shop.js';
import { mulberry32 } from '../numerics/random.js';

/** The bundled sample shop's order lines: the template every synthetic shop resamples. */
export const SAMPLE_ORDER_LINES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../data/sample-shop/order-lines.csv.gz',
);

/**
 * Products (codes `^[0-9]{5}`) in the Online Retail file the sample was drawn from: its 100 best sellers stand for
 * themselves, its other products for the rest; its non-product lines (postage, fees) are the whole shop's.
 */
const ONLINE_RETAIL_PRODUCTS = 3_990;
const BEST_SELLERS = 100;

/** What `writeSynthShop` makes: `skus` SKUs over `years` years of 364 days from `seed`, written into `out`. */
export interface SynthShopOptions extends SynthOptions {
  /** the folder the files are written into (made when missing) */
  out: string;
  /** order lines to resample (default: the bundled sample shop) */
  template?: string;
}

/** What `writeSynthShop` wrote: its arguments, the calendar, the order lines and the three files' paths. */
export interface SynthSummary {
  skus: number;
  years: number;
  seed: number;
  first_day: string;
  last_day: string;
  order_lines: number;
  files: { order_lines: string; catalog: string; stock: string };
  seconds: number;
}

/**
 * Reads an Online Retail layout file (the sample shop) as a template: its lines product by product, days
 * counted from its first day.
 * @example const t = await readShopTemplate(SAMPLE_ORDER_LINES); t.products.length; // 300-odd
 */
export async function readShopTemplate(path: string): Promise<{ template: ShopTemplate; firstDay: number }> {
  const rows: {
    order: string;
    sku: string;
    desc: string;
    q: number;
    at: number;
    price: number;
    cust: string;
    country: string;
  }[] = [];
  let col: Record<string, number> = {};
  await readCsv(path, {
    header(columns) {
      col = Object.fromEntries(columns.map((c, i) => [c, i]));
      for (const c of ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice'])
        if (col[c] === undefined) throw new InputError(`${path}: the template needs Online Retail's column ${c}`);
    },
    record(r) {
      const f = r.fields;
      const at = Date.parse(f[col['InvoiceDate']!]!.replace(' ', 'T') + 'Z');
      if (!Number.isFinite(at))
        throw new InputError(`${path}, line ${r.line}: InvoiceDate is not an ISO date and time`);
      rows.push({
        order: f[col['InvoiceNo']!]!,
        sku: f[col['StockCode']!]!,
        desc: f[col['Description']!] ?? '',
        q: Number(f[col['Quantity']!]),
        at,
        price: Number(f[col['UnitPrice']!]),
        cust: f[col['CustomerID']!] ?? '',
        country: f[col['Country']!] ?? '',
      });
    },
    reject(r) {
      throw new InputError(`${path}, line ${r.line}: ${r.reason}`);
    },
  });
  if (rows.length === 0) throw new InputError(`${path}: the template has no order lines`);
  let first = Infinity;
  for (const r of rows) first = Math.min(first, r.at);
  const firstDay = Math.floor(first / DAY_MS) * DAY_MS;
  const dayOf = (at: number): number => Math.floor((at - firstDay) / DAY_MS);
  // products in code order, each one's lines in time order; the order's rank among its day's orders
  const bySku = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = bySku.get(r.sku) ?? [];
    if (list.length === 0) bySku.set(r.sku, list);
    list.push(r);
  }
  const rankOf = new Map<string, number>();
  const perDay = new Map<number, number>();
  for (const r of [...rows].sort((a, b) => a.at - b.at)) {
    if (rankOf.has(r.order)) continue;
    const d = dayOf(r.at);
    const k = perDay.get(d) ?? 0;
    perDay.set(d, k + 1);
    rankOf.set(r.order, k);
  }
  const revenue = new Map<string, number>();
  for (const [sku, list] of bySku)
    revenue.set(
      sku,
      list.reduce((s, r) => s + (r.order.startsWith('C') ? 0 : r.q * r.price), 0),
    );
  const isProduct = (sku: string): boolean => /^[0-9]{5}/.test(sku);
  const best = new Set(
    [...bySku.keys()]
      .filter(isProduct)
      .sort((a, b) => revenue.get(b)! - revenue.get(a)! || (a < b ? -1 : 1))
      .slice(0, BEST_SELLERS),
  );
  const rest = [...bySku.keys()].filter((s) => isProduct(s) && !best.has(s)).length;
  const restWeight = rest > 0 ? (ONLINE_RETAIL_PRODUCTS - best.size) / rest : 1;
  const countries: string[] = [];
  const countryIndex = new Map<string, number>();
  const n = rows.length;
  let lastAt = -Infinity;
  for (const r of rows) lastAt = Math.max(lastAt, r.at);
  const t: ShopTemplate = {
    days: dayOf(lastAt) + 1,
    products: [],
    day: new Int32Array(n),
    minute: new Int16Array(n),
    quantity: new Float64Array(n),
    price: new Float64Array(n),
    orderRank: new Int32Array(n),
    cancel: new Uint8Array(n),
    customer: new Int32Array(n),
    country: new Int32Array(n),
    countries,
    nonProductServes: ONLINE_RETAIL_PRODUCTS,
  };
  let l = 0;
  for (const sku of [...bySku.keys()].sort()) {
    const list = bySku.get(sku)!.sort((a, b) => a.at - b.at);
    const descs = new Map<string, number>();
    for (const r of list) if (r.desc !== '') descs.set(r.desc, (descs.get(r.desc) ?? 0) + 1);
    const description = [...descs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? sku;
    t.products.push({
      sku,
      description,
      nonProduct: !isProduct(sku),
      weight: best.has(sku) ? 1 : restWeight,
      from: l,
      to: l + list.length,
    });
    for (const r of list) {
      t.day[l] = dayOf(r.at);
      t.minute[l] = Math.floor((r.at - firstDay) / 60_000) % 1440;
      t.quantity[l] = r.q;
      t.price[l] = r.price;
      t.orderRank[l] = rankOf.get(r.order)!;
      t.cancel[l] = r.order.startsWith('C') ? 1 : 0;
      const c = Number.parseInt(r.cust, 10);
      t.customer[l] = Number.isFinite(c) ? c : -1;
      if (r.country === '') t.country[l] = -1;
      else {
        let k = countryIndex.get(r.country);
        if (k === undefined) countryIndex.set(r.country, (k = countries.push(r.country) - 1));
        t.country[l] = k;
      }
      l++;
    }
  }
  return { template: t, firstDay };
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes `order-lines.csv.gz` (Online Retail's columns, in time order), `catalog.csv` and `stock.csv` of a
 * synthetic shop into `o.out`.
 * @example
 * await writeSynthShop({ skus: 1000, years: 2, seed: 1, out: 'shop-1k' });
 * // then: shopcast plan shop-1k/* --workspace ws --out plan
 */
export async function writeSynthShop(o: SynthShopOptions): Promise<SynthSummary> {
  const t0 = performance.now();
  if (!Number.isInteger(o.skus) || o.skus < 1 || o.skus > 10_000_000)
    throw new InputError(`synth: --skus must be a whole number from 1 to 10,000,000 (got ${o.skus})`);
  if (!Number.isInteger(o.years) || o.years < 1 || o.years > 10)
    throw new InputError(`synth: --years must be a whole number from 1 to 10 (got ${o.years})`);
  if (!Number.isInteger(o.seed)) throw new InputError(`synth: --seed must be a whole number (got ${o.seed})`);
  const { template, firstDay } = await readShopTemplate(o.template ?? SAMPLE_ORDER_LINES);
  // the calendar keeps the template's weekday and day of the year: 574 weeks on (11 years for the sample shop)
  const start = firstDay + 574 * 7 * DAY_MS;
  mkdirSync(o.out, { recursive: true });
  const files = {
    order_lines: join(o.out, 'order-lines.csv.gz'),
    catalog: join(o.out, 'catalog.csv'),
    stock: join(o.out, 'stock.csv'),
  };
  const shop = synthShop(template, o);
  const gzip = createGzip({ level: 1 });
  const file = createWriteStream(files.order_lines);
  gzip.pipe(file);
  const done = once(file, 'finish');
  gzip.write('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n');
  const hhmm = Array.from(
    { length: 1440 },
    (_, m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`,
  );
  const skuCode = shop.skus.map((s) => s.sku);
  const skuDesc = shop.skus.map((s) => field(s.name));
  const npCode = template.products.map((p) => field(p.sku));
  const npDesc = template.products.map((p) => field(p.description));
  const countries = template.countries.map(field);
  let lines = 0;
  for (const d of shop.days()) {
    const date = isoDate(start + d.day * DAY_MS);
    let chunk = '';
    for (let k = 0; k < d.count; k++) {
      const s = d.sku[k]!;
      const code = s >= 0 ? skuCode[s]! : npCode[-1 - s]!;
      const desc = s >= 0 ? skuDesc[s]! : npDesc[-1 - s]!;
      const c = d.customer[k]!;
      const country = d.country[k]! < 0 ? '' : countries[d.country[k]!]!;
      chunk +=
        `${d.cancel[k] === 1 ? 'C' : ''}${d.order[k]!},${code},${desc},${d.quantity[k]!},${date} ` +
        `${hhmm[d.minute[k]!]!},${d.price[k]!},${c < 0 ? '' : c},${country}\n`;
    }
    lines += d.count;
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
  const catalog = ['sku,name,description,category,price,cost'];
  for (const s of shop.skus)
    catalog.push([s.sku, field(s.name), field(s.name), field(s.category), s.price, s.unitCost].join(','));
  writeFileSync(files.catalog, catalog.join('\n') + '\n');
  const u = mulberry32(o.seed ^ 0x5eed);
  const stock = [
    'sku,on_hand,on_order,lead_time_days,lead_time_sd_days,unit_cost,order_cost,holding_rate,moq,pack_size,supplier',
  ];
  for (const s of shop.skus) {
    const weekly = Math.max(0, s.recentUnits / 8);
    const sup = SUPPLIERS[s.supplier]!;
    const onHand = Math.round(weekly * 5 * u() ** 1.5);
    const onOrder = weekly > 0 && u() < 0.25 ? Math.round(weekly * (1 + 2 * u())) : 0;
    stock.push(
      [
        s.sku,
        onHand,
        onOrder,
        sup.leadTime,
        sup.leadTimeSd,
        s.unitCost,
        25,
        '',
        s.moq ?? '',
        s.packSize,
        field(sup.name),
      ].join(','),
    );
  }
  writeFileSync(files.stock, stock.join('\n') + '\n');
  return {
    skus: o.skus,
    years: o.years,
    seed: o.seed,
    first_day: isoDate(start),
    last_day: isoDate(start + (o.years * YEAR_DAYS - 1) * DAY_MS),
    order_lines: lines,
    files,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
