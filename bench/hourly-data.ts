/**
 * The two sets of bench:hourly (issue #21), built from the shared data: each a list of regular series
 * (training part and held-out part) and the long CSV `shopcast forecast --series` reads.
 *
 * Online Retail hourly: units (sum of Quantity) per clock hour, for the shop total and its top SKUs, at
 * several forecast origins. Lines kept: not a cancellation (InvoiceNo not starting with C), Quantity > 0,
 * and a product code (five digits, optionally letters: 85123A; this leaves out POST, DOT, M, C2, D, S,
 * BANK CHARGES, AMAZONFEE, CRUK, PADS, B, the gift_0001_* vouchers and the DCGS* lots). Per origin:
 * the 1,008 hours (6 weeks) before it are the training part, the next 48 hours are held out, every
 * hour present (0 when nothing was sold); the SKUs are the `topSkus` product codes with the most order
 * lines in those 6 weeks (ties: code order). Series ids are `SKU@origin` and `TOTAL@origin`.
 *
 * Rossmann daily: Sales per store and day (closed days are 0), the stores whose history has every day
 * (2013-01-01 … 2015-07-31, 942 days: 466 of stores 1–557; the other 91 lack 2014-07-01 … 2014-12-31
 * and are left out rather than filled), the last `h` days held out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { splitCsvLine } from '../src/data/csv-reader.js';
import { DAY_MS, formatPeriod, periodTime } from '../src/numerics/calendar.js';

const HOUR_MS = 3_600_000;

/** Regular series split into a training part and the held-out part that scores the forecasts. */
export interface BenchSet {
  name: string;
  freq: 'hour' | 'day';
  /** periods held out (the horizon) */
  h: number;
  ids: string[];
  /** each series' first training period (ms, UTC) */
  starts: number[];
  train: Float64Array[];
  test: Float64Array[];
  /** ids that are shop totals (scored also on their own) */
  totals: Set<string>;
}

function gunzipLines(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
}

/** Five digits, optionally letters: the Online Retail product codes (not postage, fees, vouchers…). */
export const PRODUCT_CODE = /^\d{5}[A-Za-z]*$/;

/** Origins are UTC-midnight dates `YYYY-MM-DD`; `trainHours` before each are its training part. */
export function onlineRetailHourly(
  file: string,
  o: { origins: readonly string[]; trainHours: number; h: number; topSkus: number },
): BenchSet {
  const lines = gunzipLines(file);
  const header = lines[0]!.split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name} (columns: ${header.join(', ')})`);
    return i;
  };
  const [cInv, cCode, cQty, cDate] = [col('InvoiceNo'), col('StockCode'), col('Quantity'), col('InvoiceDate')];
  // the kept order lines, flat: code, hour, units
  const codes: string[] = [];
  const hours: number[] = [];
  const units: number[] = [];
  for (let k = 1; k < lines.length; k++) {
    const split = splitCsvLine(lines[k]!.replace(/\r$/, ''), ',');
    if (split.fields === undefined) throw new Error(`${file}: line ${k + 1} unreadable`);
    const f = split.fields;
    const qty = Number(f[cQty]);
    if (f[cInv]!.startsWith('C') || !(qty > 0) || !PRODUCT_CODE.test(f[cCode]!)) continue;
    const t = periodTime(f[cDate]!);
    if (!Number.isFinite(t)) throw new Error(`${file}: line ${k + 1}: unreadable InvoiceDate ${f[cDate]}`);
    codes.push(f[cCode]!.toUpperCase());
    hours.push(Math.floor(t / HOUR_MS) * HOUR_MS);
    units.push(qty);
  }
  const set: BenchSet = {
    name: 'Online Retail hourly',
    freq: 'hour',
    h: o.h,
    ids: [],
    starts: [],
    train: [],
    test: [],
    totals: new Set(),
  };
  for (const origin of o.origins) {
    const t0 = periodTime(origin);
    const first = t0 - o.trainHours * HOUR_MS;
    const end = t0 + o.h * HOUR_MS;
    const orderLines = new Map<string, number>();
    for (let i = 0; i < codes.length; i++)
      if (hours[i]! >= first && hours[i]! < t0) orderLines.set(codes[i]!, (orderLines.get(codes[i]!) ?? 0) + 1);
    const top = [...orderLines]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, o.topSkus)
      .map(([c]) => c);
    const slot = new Map(top.map((c, j) => [c, j + 1])); // 0: the shop total
    const grid = Array.from({ length: top.length + 1 }, () => new Float64Array(o.trainHours + o.h));
    for (let i = 0; i < codes.length; i++) {
      if (hours[i]! < first || hours[i]! >= end) continue;
      const k = (hours[i]! - first) / HOUR_MS;
      grid[0]![k] = grid[0]![k]! + units[i]!;
      const j = slot.get(codes[i]!);
      if (j !== undefined) grid[j]![k] = grid[j]![k]! + units[i]!;
    }
    ['TOTAL', ...top].forEach((code, j) => {
      const id = `${code}@${origin}`;
      if (j === 0) set.totals.add(id);
      set.ids.push(id);
      set.starts.push(first);
      set.train.push(grid[j]!.slice(0, o.trainHours));
      set.test.push(grid[j]!.slice(o.trainHours));
    });
  }
  return set;
}

/** Rossmann daily sales per store with every day of the data present; the last `h` days held out. */
export function rossmannDaily(file: string, h: number): BenchSet {
  const lines = gunzipLines(file);
  const header = lines[0]!.split(',');
  const [cStore, cDate, cSales] = ['Store', 'Date', 'Sales'].map((c) => header.indexOf(c));
  if (cStore! < 0 || cDate! < 0 || cSales! < 0) throw new Error(`${file}: needs columns Store, Date, Sales`);
  const byStore = new Map<string, Map<number, number>>();
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 1; k < lines.length; k++) {
    const f = lines[k]!.split(',');
    const t = periodTime(f[cDate!]!);
    const sales = Number(f[cSales!]);
    if (!Number.isFinite(t) || !Number.isFinite(sales)) throw new Error(`${file}: line ${k + 1} unreadable`);
    const m = byStore.get(f[cStore!]!) ?? byStore.set(f[cStore!]!, new Map()).get(f[cStore!]!)!;
    m.set(t, sales);
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const n = Math.round((hi - lo) / DAY_MS) + 1;
  const set: BenchSet = {
    name: 'Rossmann daily',
    freq: 'day',
    h,
    ids: [],
    starts: [],
    train: [],
    test: [],
    totals: new Set(),
  };
  const stores = [...byStore.keys()].sort((a, b) => Number(a) - Number(b));
  for (const store of stores) {
    const m = byStore.get(store)!;
    if (m.size !== n) continue; // a gap in the history (not closed days: missing rows)
    const y = Float64Array.from({ length: n }, (_, k) => m.get(lo + k * DAY_MS)!);
    set.ids.push(`store-${store}`);
    set.starts.push(lo);
    set.train.push(y.slice(0, n - h));
    set.test.push(y.slice(n - h));
  }
  return set;
}

/** Writes the training parts as `sku,date,units`, every period present (hours as `2011-10-01 13:00:00`). */
export function writeLongCsv(set: BenchSet, path: string): void {
  const step = set.freq === 'hour' ? HOUR_MS : DAY_MS;
  const parts: string[] = ['sku,date,units\n'];
  set.ids.forEach((id, i) => {
    let s = '';
    set.train[i]!.forEach((v, k) => {
      s += `${id},${formatPeriod(set.starts[i]! + k * step, set.freq === 'hour')},${v}\n`;
    });
    parts.push(s);
  });
  writeFileSync(path, parts.join(''));
}
