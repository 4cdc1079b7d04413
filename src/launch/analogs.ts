/**
 * "Looks-like" launch forecasts for a product without history: its nearest already-launched
 * products by description (TF-IDF cosine, text.ts), category and price, and their weekly sales in
 * the weeks after their own launch, adjusted for
 *  - price: × (P / P_analog)^ε, with ε the price elasticity estimated across similar products, and
 *  - season: × A(launch) / A(analog's launch), A the shop's units per selling product (history.ts),
 * then weighted by similarity. Quantiles are weighted quantiles over the adjusted analog curves
 * with each week's Poisson noise mixed in (a product selling 2 a week can sell 0 or 5).
 * The price elasticity is the slope of log(first-weeks units) on log(first price) over the most
 * similar products (weighted least squares), pooled by inverse variance with the slope across the
 * whole catalogue within first-word groups (fixed effects).
 */
import { normalQuantile } from '../numerics/normal.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { type QuantilePoint } from '../models/contract.js';
import { type LaunchedProduct, type ShopHistory } from './history.js';
import { type SparseVector, type TextIndex, buildTextIndex, cosine, firstWord, textVector } from './text.js';

export interface NewProduct {
  name: string;
  description?: string;
  category?: string;
  price: number;
}

export interface LaunchOptions {
  /** weeks forecast from the launch */
  weeks: number;
  /** analogs averaged for the mean */
  k: number;
  /** price-distance scale: similarity × exp(−|ln(P / P_analog)| / priceScale) */
  priceScale: number;
  /** the point forecast: the weighted mean or the weighted median of the adjusted analog curves */
  center: 'mean' | 'median';
  season: boolean;
  price: boolean;
}

export const DEFAULT_LAUNCH_OPTIONS: LaunchOptions = {
  weeks: 12,
  k: 25,
  priceScale: 1,
  center: 'median',
  season: true,
  price: true,
};

export interface LaunchPool {
  history: ShopHistory;
  /** the day the pool is seen from (its last day): only weeks complete by then count */
  asOfDay: number;
  products: LaunchedProduct[];
  /** weekly units since each product's launch (NaN: not complete yet / unknown) */
  curves: Float64Array[];
  index: TextIndex;
  groups: string[];
  elasticity: Elasticity;
}

export interface Elasticity {
  value: number;
  se: number;
  n: number;
  source: string;
}

export const MIN_DAYS_BEFORE_LAUNCH = 28;

/**
 * Weekly units of a product in weeks 1..weeks after its first sale (or after `offset` days past
 * it), complete by `asOfDay`.
 */
export function launchCurve(p: LaunchedProduct, weeks: number, asOfDay: number, offset = 0): Float64Array {
  const out = new Float64Array(weeks).fill(NaN);
  for (let w = 0; w < weeks; w++) {
    if (p.firstDay + offset + 7 * (w + 1) - 1 > asOfDay) break;
    let s = 0;
    let known = 0;
    for (let d = offset + 7 * w; d < offset + 7 * (w + 1); d++) {
      const v = p.daily[d];
      if (v !== undefined && Number.isFinite(v)) {
        s += v;
        known++;
      }
    }
    // unknown days (suspected stock-outs) take the average of the known days of the week
    if (known > 0) out[w] = (s * 7) / known;
  }
  return out;
}

function mean(xs: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++)
    if (Number.isFinite(xs[i]!)) {
      s += xs[i]!;
      c++;
    }
  return c > 0 ? s / c : NaN;
}

/** Weighted least-squares slope of y on x, with its standard error. */
function wlsSlope(x: number[], y: number[], w: number[]): { slope: number; se: number } | undefined {
  let sw = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i]!;
    mx += w[i]! * x[i]!;
    my += w[i]! * y[i]!;
  }
  if (sw <= 0) return undefined;
  mx /= sw;
  my /= sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += w[i]! * (x[i]! - mx) ** 2;
    sxy += w[i]! * (x[i]! - mx) * (y[i]! - my);
  }
  if (sxx <= 1e-9 || x.length < 5) return undefined;
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < x.length; i++) sse += w[i]! * (y[i]! - my - slope * (x[i]! - mx)) ** 2;
  const neff = sw ** 2 / w.reduce((a, b) => a + b * b, 0);
  const sigma2 = sse / sw / Math.max(1, (neff - 2) / neff);
  return { slope, se: Math.sqrt(sigma2 / sxx) };
}

/** log of the mean weekly units over the first 4 weeks (NaN when not known or no sales) */
function launchLevel(curve: Float64Array): number {
  const m = mean(curve, 0, Math.min(4, curve.length));
  return m > 0 ? Math.log(m) : NaN;
}

/** The catalogue-wide elasticity: slope of log level on log price within first-word groups. */
function catalogueElasticity(pool: Omit<LaunchPool, 'elasticity'>): Elasticity {
  const byGroup = new Map<string, { x: number; y: number }[]>();
  pool.products.forEach((p, i) => {
    const y = launchLevel(pool.curves[i]!);
    if (!Number.isFinite(y) || !(p.firstPrice > 0)) return;
    const g = byGroup.get(pool.groups[i]!) ?? [];
    g.push({ x: Math.log(p.firstPrice), y });
    byGroup.set(pool.groups[i]!, g);
  });
  const x: number[] = [];
  const y: number[] = [];
  for (const g of byGroup.values()) {
    if (g.length < 2) continue;
    const mx = g.reduce((a, b) => a + b.x, 0) / g.length;
    const my = g.reduce((a, b) => a + b.y, 0) / g.length;
    for (const r of g) {
      x.push(r.x - mx);
      y.push(r.y - my);
    }
  }
  const fit = wlsSlope(
    x,
    y,
    x.map(() => 1),
  );
  return fit === undefined
    ? { value: -1, se: 1, n: 0, source: 'default (not enough price variation)' }
    : { value: fit.slope, se: fit.se, n: x.length, source: 'catalogue, within first-word groups' };
}

/** Everything launched by `asOfDay` (default: the history's last day) whose launch the data covers. */
export function buildLaunchPool(history: ShopHistory, weeks: number, asOfDay = history.days - 1): LaunchPool {
  const products: LaunchedProduct[] = [];
  const curves: Float64Array[] = [];
  for (const p of history.products) {
    if (p.firstDay < MIN_DAYS_BEFORE_LAUNCH || p.firstDay + 6 > asOfDay) continue;
    products.push(p);
    curves.push(launchCurve(p, weeks, asOfDay));
  }
  const texts = products.map((p) => p.description);
  const index = buildTextIndex(texts);
  const groups = products.map((p) => firstWord(p.description));
  const base = { history, asOfDay, products, curves, index, groups };
  return { ...base, elasticity: catalogueElasticity(base) };
}

export interface Analog {
  sku: string;
  description: string;
  similarity: number;
  text_similarity: number;
  first_sale: string;
  first_price: number;
  /** its own weekly units since launch (NaN: not complete yet) */
  curve: number[];
  /** the same, adjusted for price and season to the new product */
  adjusted: number[];
  weight: number;
}

export interface LaunchForecast {
  weeks: (QuantilePoint & { week: number })[];
  analogs: Analog[];
  elasticity: Elasticity;
  /** season factor applied: activity at the launch over the analogs' (weighted, geometric mean) */
  seasonFactor: number;
  /** weighted samples of cumulative units over the first w weeks (for stock quantiles) */
  cumulative: (weeks: number) => { value: number; weight: number }[];
}

function weightedQuantile(samples: { value: number; weight: number }[], p: number): number {
  const s = samples.filter((x) => x.weight > 0).sort((a, b) => a.value - b.value);
  if (s.length === 0) return NaN;
  const total = s.reduce((a, b) => a + b.weight, 0);
  let acc = 0;
  for (const x of s) {
    acc += x.weight;
    if (acc >= p * total - 1e-12) return x.value;
  }
  return s[s.length - 1]!.value;
}

/** Poisson quantiles of a mean, for mixing count noise into the analog spread. */
function poissonQuantiles(mu: number, ps: number[]): number[] {
  const out: number[] = [];
  let k = 0;
  let pk = Math.exp(-mu);
  let cdf = pk;
  for (const p of ps) {
    if (mu > 50) {
      // normal approximation for large means
      out.push(Math.max(0, mu + normalQuantile(p) * Math.sqrt(mu)));
      continue;
    }
    while (cdf < p && k < 10_000) {
      k++;
      pk *= mu / k;
      cdf += pk;
    }
    out.push(k);
  }
  return out;
}

/** Forecast for a new product launched on day `launchDay` of the pool's history (may be in the future). */
export function forecastLaunch(
  pool: LaunchPool,
  product: NewProduct,
  launchDay: number,
  o: LaunchOptions = DEFAULT_LAUNCH_OPTIONS,
): LaunchForecast {
  const text = [product.name, product.description ?? ''].join(' ').trim();
  const v: SparseVector = textVector(pool.index, text);
  const scored = pool.products.map((p, i) => {
    const ts = cosine(v, pool.index.docs[i]!);
    const cat =
      product.category !== undefined && p.category !== null
        ? product.category.toLowerCase() === p.category.toLowerCase()
          ? 1
          : 0.5
        : 1;
    const pf =
      product.price > 0 && p.firstPrice > 0
        ? Math.exp(-Math.abs(Math.log(product.price / p.firstPrice)) / o.priceScale)
        : 1;
    return { i, ts, s: ts * cat * pf };
  });
  scored.sort((a, b) => b.s - a.s);
  const el = localElasticity(pool, scored.slice(0, 50));
  const lastKnown = Math.min(launchDay, pool.asOfDay);
  const aLaunch = pool.history.activity[lastKnown]!;
  const top = scored.slice(0, o.k).filter((x) => x.s > 0);
  const chosen = top.length > 0 ? top : scored.slice(0, o.k);
  let logSeason = 0;
  let wsum = 0;
  const analogs: Analog[] = chosen.map((x) => {
    const p = pool.products[x.i]!;
    const curve = pool.curves[x.i]!;
    const aThen = pool.history.activity[p.firstDay]!;
    const season = o.season && Number.isFinite(aLaunch) && Number.isFinite(aThen) && aThen > 0 ? aLaunch / aThen : 1;
    const price = o.price && product.price > 0 && p.firstPrice > 0 ? (product.price / p.firstPrice) ** el.value : 1;
    const weight = Math.max(x.s, 1e-6);
    logSeason += weight * Math.log(season);
    wsum += weight;
    return {
      sku: p.sku,
      description: p.description,
      similarity: x.s,
      text_similarity: x.ts,
      first_sale: isoDate(pool.history.start + p.firstDay * DAY_MS),
      first_price: p.firstPrice,
      curve: Array.from(curve.subarray(0, o.weeks)),
      adjusted: Array.from(curve.subarray(0, o.weeks), (c) => c * season * price),
      weight,
    };
  });
  const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
  const weeks: LaunchForecast['weeks'] = [];
  for (let w = 0; w < o.weeks; w++) {
    let m = 0;
    let sw = 0;
    const samples: { value: number; weight: number }[] = [];
    for (const a of analogs) {
      const c = a.adjusted[w];
      if (c === undefined || !Number.isFinite(c)) continue;
      m += a.weight * c;
      sw += a.weight;
      // each analog's week spread by Poisson noise at 5 quantiles, equally likely
      for (const q of poissonQuantiles(c, [0.1, 0.3, 0.5, 0.7, 0.9])) samples.push({ value: q, weight: a.weight / 5 });
    }
    const mu =
      sw === 0
        ? NaN
        : o.center === 'mean'
          ? m / sw
          : weightedQuantile(
              analogs
                .filter((a) => Number.isFinite(a.adjusted[w]!))
                .map((a) => ({ value: a.adjusted[w]!, weight: a.weight })),
              0.5,
            );
    const [p05, p25, p50, p75, p95] = levels.map((l) => weightedQuantile(samples, l)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    weeks.push({ week: w + 1, mean: mu, p05, p25, p50, p75, p95 });
  }
  // weeks no analog has reached yet: carry the last known week's level
  for (let w = 1; w < weeks.length; w++)
    if (!Number.isFinite(weeks[w]!.mean)) weeks[w] = { ...weeks[w - 1]!, week: w + 1 };
  const cumulative = (n: number): { value: number; weight: number }[] =>
    analogs.map((a) => {
      let s = 0;
      let last = 0;
      for (let w = 0; w < n; w++) {
        const c = a.adjusted[w];
        if (c !== undefined && Number.isFinite(c)) last = c;
        s += c !== undefined && Number.isFinite(c) ? c : last;
      }
      return { value: s, weight: a.weight };
    });
  return { weeks, analogs, elasticity: el, seasonFactor: wsum > 0 ? Math.exp(logSeason / wsum) : 1, cumulative };
}

/** Elasticity from the most similar products, pooled with the catalogue's by inverse variance. */
function localElasticity(pool: LaunchPool, near: { i: number; ts: number }[]): Elasticity {
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (const { i, ts } of near) {
    const lv = launchLevel(pool.curves[i]!);
    const price = pool.products[i]!.firstPrice;
    if (!Number.isFinite(lv) || !(price > 0) || ts <= 0) continue;
    x.push(Math.log(price));
    y.push(lv);
    w.push(ts);
  }
  const g = pool.elasticity;
  const local = wlsSlope(x, y, w);
  if (local === undefined || !Number.isFinite(local.se) || local.se <= 0) return g;
  const [a, b] = [1 / local.se ** 2, 1 / g.se ** 2];
  const value = Math.min(0.5, Math.max(-3, (a * local.slope + b * g.value) / (a + b)));
  return {
    value,
    se: Math.sqrt(1 / (a + b)),
    n: x.length,
    source: `${x.length} similar products, pooled with the catalogue's ${g.value.toFixed(2)}`,
  };
}
