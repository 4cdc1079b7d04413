/**
 * A synthetic shop of any size, made by resampling the shapes of a template shop's products (the
 * bundled sample shop: 292 Online Retail products and its postage and fee lines).
 *
 * Each synthetic SKU takes one template product and lives its life again on a calendar of `years`
 * 364-day years that starts on the template's own weekday and day of the year, so the weekly
 * pattern, the closed days and the yearly season come with it:
 *  - every order line of the template product on a day becomes k ~ Poisson(λ) lines of the SKU on the
 *    matching synthetic day, λ = the SKU's level (log-normal across SKUs, median 1) × its trend per
 *    year × a promotion's lift; the line keeps its time of day, quantity (wholesale spikes included),
 *    cancellation (a `C` order id, OR's own rate) and return (negative quantity);
 *  - a template product whose first sale comes after the template's first 4 weeks is a launch: the SKU
 *    launches in one of the years, on the same day of the year; one whose last sale comes before the
 *    template's last 4 weeks ends: the SKU ends in its last year of life. Days of a living SKU whose
 *    template day falls outside the product's life take a template day of the same weekday from inside it;
 *  - prices are the template's × a per-SKU factor × 3 % a year; a promotion (one SKU in five, one 14-day
 *    window a year) cuts the price by 20 % and lifts λ by 1.8; a stock-out (one SKU in six, one to two
 *    windows of 7–35 days) removes the lines in its window.
 * Template products are drawn with weights that undo the sample's bias toward best sellers (its 100 best
 * sellers stand for 100 of Online Retail's ≈ 3,850 products, the other 192 for the rest), so the synthetic
 * population has Online Retail's mix of fast and slow, regular and intermittent products.
 * SKUs come in groups the size of the shop the template was drawn from (3,990 products for the sample): orders,
 * customers and the non-product lines (postage, fees) are per group, so baskets hold as many lines as the template
 * shop's did. Deterministic for a seed: the same arguments give the same files.
 */
import { mulberry32, normalSource, poissonDraw } from '../numerics/random.js';

/** The template shop's lines, product by product, each product's lines in day order. */
export interface ShopTemplate {
  /** days the template spans (day 0 = its first day) */
  days: number;
  products: TemplateProduct[];
  /** per line */
  day: Int32Array;
  minute: Int16Array;
  quantity: Float64Array;
  price: Float64Array;
  /** the line's order's rank among the orders of its day (0, 1, …) */
  orderRank: Int32Array;
  cancel: Uint8Array;
  /** customer number, −1 when none */
  customer: Int32Array;
  /** index into `countries`, −1 when none */
  country: Int32Array;
  countries: string[];
  /**
   * how many products the template's orders and non-product lines (postage, fees) belong to (the sample shop's are
   * the whole Online Retail shop's, 3,990 products): synthetic SKUs come in groups of this size, each group a shop
   * with the template's orders, customers and non-product lines
   */
  nonProductServes: number;
}

export interface TemplateProduct {
  sku: string;
  description: string;
  /** postage, fees, adjustments: copied once per group, never a synthetic SKU of its own */
  nonProduct: boolean;
  /** weight of the product when synthetic SKUs draw their template */
  weight: number;
  /** its lines: [from, to) */
  from: number;
  to: number;
}

export interface SynthOptions {
  skus: number;
  years: number;
  seed: number;
}

/** One synthetic SKU's attributes (its catalog and stock rows). */
export interface SynthSku {
  sku: string;
  template: number;
  name: string;
  category: string;
  price: number;
  unitCost: number;
  supplier: number;
  packSize: number;
  moq: number | null;
  /** units sold (net of cancellations and returns) over the last 56 days: the stock file's on hand is drawn from it */
  recentUnits: number;
}

/** The lines of one synthetic day, in time order. */
export interface SynthDay {
  /** days since the calendar's start */
  day: number;
  count: number;
  /** per line: the order id (cancellations are marked by `cancel`), SKU index (−1 − p: non-product template p) */
  order: Float64Array;
  cancel: Uint8Array;
  sku: Int32Array;
  minute: Int16Array;
  quantity: Float64Array;
  price: Float64Array;
  customer: Float64Array;
  country: Int32Array;
}

export const YEAR_DAYS = 364;
const LAUNCH_WEEKS = 4;
const VARIANTS = ['RED', 'BLUE', 'GREEN', 'PINK', 'IVORY', 'BLACK', 'LARGE', 'SMALL', 'VINTAGE', 'SET OF 3', 'MINI'];
export const SUPPLIERS: readonly { name: string; leadTime: number; leadTimeSd: number }[] = [
  { name: 'Harbour Gifts Ltd', leadTime: 7, leadTimeSd: 0 },
  { name: 'Kent Homeware', leadTime: 5, leadTimeSd: 1 },
  { name: 'Far East Trading', leadTime: 21, leadTimeSd: 4 },
  { name: 'Paper & Co', leadTime: 10, leadTimeSd: 2 },
  { name: 'Northern Crafts', leadTime: 14, leadTimeSd: 3 },
  { name: 'Lisbon Ceramics', leadTime: 12, leadTimeSd: 2 },
];

/** Per-SKU state of the generator. */
interface SkuPlan {
  template: number;
  level: number;
  trend: number;
  priceFactor: number;
  /** synthetic days [start, end) of its life */
  start: number;
  end: number;
  /** the template product's own life, template days [alive0, alive1] */
  alive0: number;
  alive1: number;
  promo: number[];
  stockout: [number, number][];
  rng: () => number;
  normal: () => number;
}

/** A 32-bit hash of the seed and a stream number, so each SKU draws from its own stream whatever the order. */
function streamSeed(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * The synthetic shop's SKUs and a day-by-day generator of its order lines. `days()` yields every day of
 * `years × 364` in order; `skus` holds each SKU's catalog attributes, and its `recentUnits` are complete once
 * the last day has been generated.
 * @example
 * const shop = synthShop(template, { skus: 1000, years: 2, seed: 1 });
 * for (const d of shop.days()) write(d);
 * shop.skus[0].sku; // '1000000'
 */
export function synthShop(t: ShopTemplate, o: SynthOptions): { skus: SynthSku[]; days: () => Generator<SynthDay> } {
  const totalDays = o.years * YEAR_DAYS;
  // SKUs come in groups of the template shop's size: each group has its orders, customers and postage lines
  const group = Math.max(1, Math.round(t.nonProductServes));
  const products = t.products.map((p, i) => ({ ...p, i })).filter((p) => !p.nonProduct && p.to > p.from);
  const nonProducts = t.products.map((p, i) => ({ ...p, i })).filter((p) => p.nonProduct && p.to > p.from);
  if (products.length === 0) throw new Error('synth: the template has no product with sales');
  const cumulative: number[] = [];
  let w = 0;
  for (const p of products) cumulative.push((w += p.weight));
  // each product's own life within the template: launch and end seen when at least 4 weeks inside its span
  const life = products.map((p) => {
    let first = Infinity;
    let last = -Infinity;
    for (let l = p.from; l < p.to; l++) {
      if (t.cancel[l] === 1 || t.quantity[l]! <= 0) continue;
      first = Math.min(first, t.day[l]!);
      last = Math.max(last, t.day[l]!);
    }
    if (!Number.isFinite(first)) [first, last] = [t.day[p.from]!, t.day[p.to - 1]!];
    const yearEnd = Math.min(t.days, YEAR_DAYS) - 1;
    return {
      launch: first >= LAUNCH_WEEKS * 7 && first < yearEnd,
      ends: last <= yearEnd - LAUNCH_WEEKS * 7,
      first: Math.min(first, yearEnd),
      last: Math.min(last, yearEnd),
    };
  });
  // a (product, template day) → its lines [dayStart[k], dayStart[k + 1])
  const D = t.days;
  const dayStart = new Int32Array(t.products.length * (D + 1) + 1);
  for (let p = 0; p < t.products.length; p++) {
    const tp = t.products[p]!;
    let l = tp.from;
    for (let d = 0; d <= D; d++) {
      while (l < tp.to && t.day[l]! < d) l++;
      dayStart[p * (D + 1) + d] = l;
    }
  }
  const linesOf = (p: number, d: number): [number, number] => [
    dayStart[p * (D + 1) + d]!,
    d + 1 <= D ? dayStart[p * (D + 1) + d + 1]! : t.products[p]!.to,
  ];

  // a day of the year past the template's data (the sample shop ends on 4 November): one of its last 4 weeks' days
  // of the same weekday, so the season's level carries on
  const beyondTemplate = (dayOfYear: number, u: () => number): number =>
    dayOfYear < D ? dayOfYear : dayOfYear - 7 * Math.ceil((dayOfYear - (D - 1)) / 7) - 7 * Math.floor(u() * 4);
  const skus: SynthSku[] = [];
  const plans: SkuPlan[] = [];
  for (let i = 0; i < o.skus; i++) {
    const rng = mulberry32(streamSeed(o.seed, i));
    const normal = normalSource(rng);
    const x = rng() * w;
    let k = 0;
    while (k < cumulative.length - 1 && cumulative[k]! <= x) k++;
    const p = products[k]!;
    const lf = life[k]!;
    const launchYear = lf.launch ? Math.floor(rng() * o.years) : 0;
    const start = lf.launch ? launchYear * YEAR_DAYS + lf.first : 0;
    const endYear = lf.launch ? launchYear : o.years - 1;
    const end = lf.ends ? endYear * YEAR_DAYS + lf.last + 1 : totalDays;
    const promo: number[] = [];
    if (rng() < 0.2) for (let y = 0; y < o.years; y++) promo.push(y * YEAR_DAYS + Math.floor(rng() * (YEAR_DAYS - 14)));
    const stockout: [number, number][] = [];
    if (rng() < 1 / 6)
      for (let n = 1 + Math.floor(rng() * 2); n > 0; n--) {
        const from = Math.floor(rng() * totalDays);
        stockout.push([from, from + 7 + Math.floor(rng() * 29)]);
      }
    const priceFactor = Math.exp(0.25 * normal());
    let median = 0;
    const prices: number[] = [];
    for (let l = p.from; l < p.to; l++) if (t.quantity[l]! > 0 && t.price[l]! > 0) prices.push(t.price[l]!);
    prices.sort((a, b) => a - b);
    if (prices.length > 0) median = prices[prices.length >> 1]!;
    const price = Math.round(median * priceFactor * 100) / 100;
    const pack = rng() < 0.5 ? [6, 12, 24][Math.floor(rng() * 3)]! : 1;
    plans.push({
      template: p.i,
      // log-normal with mean 1 (median e^−0.18): the template's lines per product on average
      level: Math.exp(0.6 * normal() - 0.18),
      trend: Math.exp(0.25 * normal()),
      priceFactor,
      start,
      end,
      alive0: lf.launch ? lf.first : 0,
      alive1: lf.ends ? lf.last : Math.min(D, YEAR_DAYS) - 1,
      promo,
      stockout,
      rng,
      normal,
    });
    skus.push({
      sku: String(1_000_000 + i),
      template: p.i,
      name: `${p.description} ${VARIANTS[Math.floor(rng() * VARIANTS.length)]!}`.trim(),
      category: categoryOf(p.description),
      price,
      unitCost: Math.round(price * (0.45 + 0.2 * rng()) * 100) / 100,
      supplier: Math.floor(rng() * SUPPLIERS.length),
      packSize: pack,
      moq: rng() < 0.3 ? pack * [2, 4, 10][Math.floor(rng() * 3)]! : null,
      recentUnits: 0,
    });
  }

  function* days(): Generator<SynthDay> {
    const buf = {
      order: [] as number[],
      cancel: [] as number[],
      sku: [] as number[],
      minute: [] as number[],
      quantity: [] as number[],
      price: [] as number[],
      customer: [] as number[],
      country: [] as number[],
    };
    const groups = Math.ceil(o.skus / group);
    const pick = mulberry32(streamSeed(o.seed, -1));
    for (let d = 0; d < totalDays; d++) {
      for (const a of Object.values(buf)) a.length = 0;
      const year = Math.floor(d / YEAR_DAYS);
      const dayOfYear = d - year * YEAR_DAYS;
      // order ids: 1,000,000 on, one per (group, day, template order, copy)
      const orderBase = (g: number): number => 62_500 + (g * totalDays + d) * 4096;
      const push = (copy: number, l: number, sku: number, price: number, quantity: number, g: number): void => {
        buf.order.push((orderBase(g) + t.orderRank[l]!) * 16 + Math.min(copy, 15));
        buf.cancel.push(t.cancel[l]!);
        buf.sku.push(sku);
        buf.minute.push(t.minute[l]!);
        buf.quantity.push(quantity);
        buf.price.push(price);
        buf.customer.push(t.customer[l]! < 0 ? -1 : g * 100_000 + t.customer[l]!);
        buf.country.push(t.country[l]!);
      };
      for (let i = 0; i < o.skus; i++) {
        const s = plans[i]!;
        if (d < s.start || d >= s.end) continue;
        // the template day: the same day of the year inside the product's life, else a day of the same weekday from it
        let td = beyondTemplate(dayOfYear, s.rng);
        if (td < s.alive0 || td > s.alive1) {
          const weeks = Math.floor((s.alive1 - s.alive0) / 7);
          const shift = (((dayOfYear - s.alive0) % 7) + 7) % 7;
          td = s.alive0 + shift + 7 * Math.floor(s.rng() * Math.max(1, weeks));
          if (td > s.alive1) td -= 7;
          if (td < s.alive0) continue;
        }
        const [from, to] = linesOf(s.template, td);
        if (from === to) continue;
        if (s.stockout.some(([a, b]) => d >= a && d < b)) continue;
        const promo = s.promo.some((p) => d >= p && d < p + 14);
        const lambda = s.level * s.trend ** year * (promo ? 1.8 : 1);
        const priceScale = s.priceFactor * 1.03 ** year * (promo ? 0.8 : 1);
        const g = Math.floor(i / group);
        for (let l = from; l < to; l++) {
          const k = poissonDraw(lambda, s.rng, s.normal);
          for (let c = 0; c < k; c++) {
            const q = t.quantity[l]!;
            push(c, l, i, Math.round(t.price[l]! * priceScale * 100) / 100, q, g);
            if (d >= totalDays - 56) skus[i]!.recentUnits += t.cancel[l] === 1 ? -Math.abs(q) : q;
          }
        }
      }
      // the non-product lines (postage, fees) of each group on the template's same day of the year; a smaller last
      // group keeps its share of them
      for (let g = 0; g < groups; g++)
        for (const np of nonProducts) {
          const td = beyondTemplate(dayOfYear, pick);
          if (td < 0) continue;
          const [from, to] = linesOf(np.i, td);
          const keep = Math.min(group, o.skus - g * group) / group;
          for (let l = from; l < to; l++)
            if (pick() < keep)
              push(0, l, -1 - np.i, Math.round(t.price[l]! * 1.03 ** year * 100) / 100, t.quantity[l]!, g);
        }
      const n = buf.order.length;
      const idx = Array.from({ length: n }, (_, k) => k).sort(
        (a, b) => buf.minute[a]! - buf.minute[b]! || buf.order[a]! - buf.order[b]! || a - b,
      );
      const take = <T extends Float64Array | Int32Array | Int16Array | Uint8Array>(src: number[], out: T): T => {
        for (let k = 0; k < n; k++) out[k] = src[idx[k]!]!;
        return out;
      };
      yield {
        day: d,
        count: n,
        order: take(buf.order, new Float64Array(n)),
        cancel: take(buf.cancel, new Uint8Array(n)),
        sku: take(buf.sku, new Int32Array(n)),
        minute: take(buf.minute, new Int16Array(n)),
        quantity: take(buf.quantity, new Float64Array(n)),
        price: take(buf.price, new Float64Array(n)),
        customer: take(buf.customer, new Float64Array(n)),
        country: take(buf.country, new Int32Array(n)),
      };
    }
  }
  return { skus, days };
}

/** A product's category from its description's last word (T-LIGHT HOLDER → HOLDER), as a merchant files it. */
export function categoryOf(description: string): string {
  const words = description
    .toUpperCase()
    .replace(/[^A-Z ]/g, ' ')
    .split(/\s+/)
    .filter((x) => x.length > 2);
  return words.length > 0 ? words[words.length - 1]! : 'OTHER';
}
