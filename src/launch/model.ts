/**
 * A learned launch model: what a product sells in each of its first weeks, from what the products
 * that look like it were selling when it launched. Trained on the shop's own earlier launches, each
 * described as of its own launch day (nothing later), with gradient-boosted trees (gbdt/):
 *  - the current level (mean weekly units over the 8 weeks before the launch) of the nearest
 *    products by description and price (TF-IDF cosine × exp(−|ln price ratio|)): weighted means over
 *    the top 5, 10 and 25, the weighted median of the top 10, the nearest one's; the similarities;
 *  - the current level of the products sharing the first word of the description, and their count;
 *  - the price, and its ratio to the nearest products' prices;
 *  - the shop's activity (units per selling product over 28 days) on the launch day;
 *  - the nearest products' level over their whole life and at their best 4 weeks (a seasonal
 *    product launched out of its season);
 *  - per word of the description, the mean log level of the products holding it: the highest over
 *    the words (now and over their lives), and of the products ending in the same word (the kind of
 *    product: "… CAKE CASES", "… BEAKER");
 *  - the week since launch (1, 2, …).
 * The launches a shop has seen are few (about 600 here), so the models also learn from products
 * already selling: at a cut every 28 days, up to 1,000 products on sale for ≥ 8 weeks (a fixed
 * seeded draw), described as of the cut exactly as a launch is (their own sales left out), with the
 * weeks after the cut as the target. The quantile models learn the ratio of a week's units to
 * 1 + the nearest products' level (knn10_level) and scale it back: the same trees then serve a
 * product among big sellers and one among slow ones, which on units they must split apart first.
 * One model for the mean (Poisson deviance, log link) and one per quantile. Quantile trees fitted
 * to the same launches they are judged on give bands too narrow for new ones, so each band (a
 * level ℓ and 1 − ℓ) is conformalised (Romano, Patterson and Candès, "Conformalized quantile
 * regression", NeurIPS 2019): models trained on the older 75 % of the launches score the newer 25 %
 * by how far each week falls outside the band (on log(1 + units)), and the band is widened (or
 * narrowed) by the quantile of those scores that gives the band's nominal coverage. Last, each
 * week's set is made coherent with the mean model around the trees' median (coherentQuantiles):
 * strictly ordered, the band holding the mean.
 */
import { type Booster, type Dataset, boosterFromJson, boosterToJson, predict, train } from '../gbdt/learner.js';
import { normalQuantile } from '../numerics/normal.js';
import { mulberry32 } from '../numerics/random.js';
import { launchCurve } from './analogs.js';
import { type ShopHistory } from './history.js';
import {
  type SparseVector,
  type TextIndex,
  buildTextIndex,
  firstWord,
  similarities,
  textVector,
  words,
} from './text.js';

export const LAUNCH_FEATURES = [
  'knn5_level',
  'knn10_level',
  'knn25_level',
  'knn10_median_level',
  'nearest_level',
  'nearest_similarity',
  'top5_similarity',
  'word_level',
  'word_count',
  'log_price',
  'price_vs_neighbours',
  'shop_activity',
  'neighbours_trend',
  'knn10_life_level',
  'knn10_peak_level',
  'word_max_level',
  'word_max_life',
  'tail_level',
  'week',
] as const;

const LEVEL_DAYS = 56;
const MIN_KNOWN_DAYS = 14;

export interface LaunchContext {
  history: ShopHistory;
  /** products visible (first sale before `visibleBefore`) and their text index */
  visible: number[];
  index: TextIndex;
  words: string[];
  /** per visible product: the last word of its description */
  lastWords: string[];
  /** per product: prefix sums of units and of known days over its life */
  cum: Float64Array[];
  known: Float64Array[];
}

export function launchContext(history: ShopHistory, visibleBefore = history.days): LaunchContext {
  const visible: number[] = [];
  history.products.forEach((p, i) => {
    if (p.firstDay < visibleBefore) visible.push(i);
  });
  const cum: Float64Array[] = [];
  const known: Float64Array[] = [];
  for (const p of history.products) {
    const c = new Float64Array(p.daily.length + 1);
    const k = new Float64Array(p.daily.length + 1);
    for (let d = 0; d < p.daily.length; d++) {
      const v = p.daily[d]!;
      c[d + 1] = c[d]! + (Number.isFinite(v) ? v : 0);
      k[d + 1] = k[d]! + (Number.isFinite(v) ? 1 : 0);
    }
    cum.push(c);
    known.push(k);
  }
  const descriptions = visible.map((i) => history.products[i]!.description);
  return {
    history,
    visible,
    index: buildTextIndex(descriptions),
    words: descriptions.map(firstWord),
    lastWords: descriptions.map((d) => words(d).at(-1) ?? ''),
    cum,
    known,
  };
}

/** Mean weekly units of product i over the `days` days before `day` (NaN with too few known days). */
export function levelAt(
  ctx: LaunchContext,
  i: number,
  day: number,
  days = LEVEL_DAYS,
  minKnown = MIN_KNOWN_DAYS,
): number {
  const p = ctx.history.products[i]!;
  const to = Math.min(day - p.firstDay, p.daily.length);
  const from = Math.max(0, day - days - p.firstDay);
  if (to <= from) return NaN;
  const k = ctx.known[i]![to]! - ctx.known[i]![from]!;
  return k >= minKnown ? ((ctx.cum[i]![to]! - ctx.cum[i]![from]!) / k) * 7 : NaN;
}

export interface Neighbour {
  product: number;
  similarity: number;
  textSimilarity: number;
  level: number;
}

/**
 * The nearest visible products (with a level) to a description vector and price on `day`,
 * most similar first; `self` (a product's own index) is left out.
 */
export function neighbours(
  ctx: LaunchContext,
  v: SparseVector,
  price: number,
  day: number,
  k: number,
  self?: number,
): Neighbour[] {
  const sims = similarities(ctx.index, v);
  const out: Neighbour[] = [];
  for (let n = 0; n < ctx.visible.length; n++) {
    const i = ctx.visible[n]!;
    if (i === self || sims[n]! <= 0) continue;
    const p = ctx.history.products[i]!;
    if (p.firstDay > day - MIN_KNOWN_DAYS) continue;
    const level = levelAt(ctx, i, day);
    if (!Number.isFinite(level)) continue;
    const pf = price > 0 && p.firstPrice > 0 ? Math.exp(-Math.abs(Math.log(price / p.firstPrice))) : 1;
    out.push({ product: i, similarity: sims[n]! * pf, textSimilarity: sims[n]!, level });
  }
  out.sort((a, b) => b.similarity - a.similarity);
  return out.slice(0, k);
}

/** Highest mean weekly units of product i over 28 consecutive days (≥ 14 known) before `day`. */
function peakLevel(ctx: LaunchContext, i: number, day: number): number {
  const p = ctx.history.products[i]!;
  const to = Math.min(day - p.firstDay, p.daily.length);
  const c = ctx.cum[i]!;
  const k = ctx.known[i]!;
  let best = NaN;
  for (let e = 28; e <= to; e++) {
    const kn = k[e]! - k[e - 28]!;
    if (kn >= MIN_KNOWN_DAYS && !(((c[e]! - c[e - 28]!) / kn) * 7 <= best)) best = ((c[e]! - c[e - 28]!) / kn) * 7;
  }
  return best;
}

/** Mean log(1 + level) over the visible products `members` (positions in ctx.visible) selling by `day`. */
function meanLogLevel(
  ctx: LaunchContext,
  members: Iterable<number>,
  day: number,
  self: number | undefined,
  level: (i: number) => number,
): { mean: number; n: number } {
  let s = 0;
  let n = 0;
  for (const m of members) {
    const i = ctx.visible[m]!;
    if (i === self || ctx.history.products[i]!.firstDay > day - MIN_KNOWN_DAYS) continue;
    const l = level(i);
    if (!Number.isFinite(l)) continue;
    s += Math.log1p(l);
    n++;
  }
  return { mean: n > 0 ? s / n : NaN, n };
}

/** The highest over the description's words of the mean log(1 + level) of the products holding the word (≥ 3). */
function wordMax(
  ctx: LaunchContext,
  description: string,
  day: number,
  self: number | undefined,
  level: (i: number) => number,
): number {
  let best = NaN;
  for (const w of new Set(words(description))) {
    const id = ctx.index.vocabulary.get(`w:${w}`);
    if (id === undefined) continue;
    const { mean, n } = meanLogLevel(ctx, ctx.index.postings[id]!.doc, day, self, level);
    if (n >= 3 && !(mean <= best)) best = mean;
  }
  return best;
}

function wmean(ns: Neighbour[], k: number, f: (n: Neighbour) => number): number {
  let a = 0;
  let b = 0;
  for (const n of ns.slice(0, k)) {
    a += n.similarity * f(n);
    b += n.similarity;
  }
  return b > 0 ? a / b : NaN;
}

function wmedian(ns: Neighbour[], k: number, f: (n: Neighbour) => number): number {
  const t = ns.slice(0, k).sort((x, y) => f(x) - f(y));
  const total = t.reduce((a, n) => a + n.similarity, 0);
  let acc = 0;
  for (const n of t) {
    acc += n.similarity;
    if (acc >= total / 2) return f(n);
  }
  return NaN;
}

/** Features of a product (all weeks share them but `week`), as of its launch `day`. */
export function launchFeatures(
  ctx: LaunchContext,
  description: string,
  price: number,
  day: number,
  self?: number,
): { features: Float64Array; near: Neighbour[] } {
  const v = textVector(ctx.index, description);
  const near = neighbours(ctx, v, price, day, 25, self);
  const word = firstWord(description);
  let wl = 0;
  let wc = 0;
  for (let n = 0; n < ctx.visible.length; n++) {
    const i = ctx.visible[n]!;
    if (i === self || ctx.words[n] !== word) continue;
    const l = levelAt(ctx, i, day);
    if (!Number.isFinite(l)) continue;
    wl += l;
    wc++;
  }
  const log1p = Math.log1p;
  const now = (i: number): number => levelAt(ctx, i, day);
  const life = (i: number): number => levelAt(ctx, i, day, Infinity);
  const last = words(description).at(-1);
  const tail: number[] = [];
  if (last !== undefined) ctx.lastWords.forEach((w, m) => w === last && tail.push(m));
  const medPrice = wmedian(near, 10, (n) => ctx.history.products[n.product]!.firstPrice);
  const activity = ctx.history.activity[Math.min(day - 1, ctx.history.days - 1)];
  const f = Float64Array.of(
    log1p(wmean(near, 5, (n) => n.level)),
    log1p(wmean(near, 10, (n) => n.level)),
    log1p(wmean(near, 25, (n) => n.level)),
    log1p(wmedian(near, 10, (n) => n.level)),
    near.length > 0 ? log1p(near[0]!.level) : NaN,
    near.length > 0 ? near[0]!.textSimilarity : 0,
    near.length > 0 ? near.slice(0, 5).reduce((a, n) => a + n.textSimilarity, 0) / Math.min(5, near.length) : 0,
    wc > 0 ? log1p(wl / wc) : NaN,
    Math.log1p(wc),
    price > 0 ? Math.log(price) : NaN,
    price > 0 && medPrice > 0 ? Math.log(price / medPrice) : NaN,
    activity !== undefined && activity > 0 ? Math.log(activity) : NaN,
    // are the neighbours selling more in the last 4 weeks than in the 4 before? (a season starting)
    wmean(
      near,
      10,
      (n) =>
        Math.log1p(levelAt(ctx, n.product, day, 28, 7) || 0) -
        Math.log1p(levelAt(ctx, n.product, day - 28, 28, 7) || 0),
    ),
    wmean(near, 10, (n) => Math.log1p(life(n.product) || 0)),
    wmean(near, 10, (n) => Math.log1p(peakLevel(ctx, n.product, day) || 0)),
    wordMax(ctx, description, day, self, now),
    wordMax(ctx, description, day, self, life),
    meanLogLevel(ctx, tail, day, self, now).mean,
    0,
  );
  return { features: f, near };
}

export interface LaunchModel {
  weeks: number;
  mean: Booster;
  quantiles: { level: number; booster: Booster }[];
  /** launches it learned from */
  products: number;
  /** established products (one per product and cut) it also learned from */
  established: number;
  /** per week: the factor c minimising Σ|y − c·x| with x the neighbours' level (knn25_level) */
  scale: number[];
  /** conformal widening of each band on log(1 + units): lower level, upper level, amount, weeks scored */
  widen: { lower: number; upper: number; by: number; scored: number }[];
}

/** Established products drawn per cut, and the cuts' spacing and minimum age in days. */
const ESTABLISHED_PER_CUT = 1000;
const CUT_EVERY = 28;
const ESTABLISHED_AGE = 56;

/** What the quantile models' target is divided by: 1 + the nearest products' level (knn10_level). */
function ratioBase(features: ArrayLike<number>): number {
  const l = features[1]!;
  return Number.isFinite(l) ? Math.expm1(l) + 1 : 1;
}

/**
 * Trains on every launch the data covers (first sale ≥ 28 days into the data) with at least one
 * complete week by `asOfDay`, each described as of its own launch day, and on established
 * products at cuts every 28 days (see the header).
 */
export function trainLaunchModel(
  ctx: LaunchContext,
  weeks: number,
  asOfDay: number,
  levels: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95],
  seed = 7,
): LaunchModel {
  const F = LAUNCH_FEATURES.length;
  const rows: number[][] = [];
  const y: number[] = [];
  const launchDay: number[] = [];
  const productOf: number[] = [];
  /** one row per known week of `units` (launch day NaN: an established product); false if none */
  const addRows = (i: number, features: Float64Array, units: Float64Array, day: number): boolean => {
    let any = false;
    for (let w = 0; w < weeks; w++) {
      if (!Number.isFinite(units[w]!)) continue;
      const r = Array.from(features);
      r[F - 1] = w + 1;
      rows.push(r);
      y.push(units[w]!);
      launchDay.push(day);
      productOf.push(i);
      any = true;
    }
    return any;
  };
  let products = 0;
  for (const i of ctx.visible) {
    const p = ctx.history.products[i]!;
    if (p.firstDay < 28 || p.firstDay + 6 > asOfDay) continue;
    const { features } = launchFeatures(ctx, p.description, p.firstPrice, p.firstDay, i);
    if (addRows(i, features, launchCurve(p, weeks, asOfDay), p.firstDay)) products++;
  }
  const scale: number[] = [];
  for (let w = 1; w <= weeks; w++) {
    const pairs: { r: number; x: number }[] = [];
    rows.forEach((r, k) => {
      const x = Math.expm1(r[2]!);
      if (r[F - 1] === w && x > 0 && Number.isFinite(x)) pairs.push({ r: y[k]! / x, x });
    });
    pairs.sort((a, b) => a.r - b.r);
    const total = pairs.reduce((a, b) => a + b.x, 0);
    let acc = 0;
    let c = 1;
    for (const q of pairs) {
      acc += q.x;
      if (acc >= total / 2) {
        c = q.r;
        break;
      }
    }
    scale.push(c);
  }
  // established products, each described at a cut as a launch is, the weeks after the cut the target
  const rand = mulberry32(seed);
  let established = 0;
  for (let cut = 28 + ESTABLISHED_AGE; cut + 7 * weeks - 1 <= asOfDay; cut += CUT_EVERY) {
    const selling = ctx.visible.filter((i) => ctx.history.products[i]!.firstDay <= cut - ESTABLISHED_AGE);
    for (const i of selling) {
      if (rand() * selling.length >= ESTABLISHED_PER_CUT) continue;
      const p = ctx.history.products[i]!;
      let sum = 0;
      let count = 0;
      for (let d = Math.max(0, cut - 28 - p.firstDay); d < cut - p.firstDay; d++)
        if (Number.isFinite(p.price[d]!)) {
          sum += p.price[d]!;
          count++;
        }
      const { features } = launchFeatures(ctx, p.description, count > 0 ? sum / count : p.firstPrice, cut, i);
      if (addRows(i, features, launchCurve(p, weeks, asOfDay, cut - p.firstDay), NaN)) established++;
    }
  }
  const n = rows.length;
  const base = rows.map(ratioBase);
  // the mean model on units, the quantile models on units / base
  const dataset = (pick: number[], ratio = true): Dataset => {
    const m = pick.length;
    const X = new Float64Array(m * F);
    for (let f = 0; f < F; f++) for (let r = 0; r < m; r++) X[f * m + r] = rows[pick[r]!]![f]!;
    return { X, rows: m, features: F, y: Float64Array.from(pick, (r) => y[r]! / (ratio ? base[r]! : 1)) };
  };
  const all = Array.from({ length: n }, (_, r) => r);
  const data = dataset(all);
  const common = {
    rounds: 200,
    learningRate: 0.05,
    numLeaves: 15,
    minDataInLeaf: 20,
    featureFraction: 0.8,
    baggingFraction: 0.8,
    seed,
    featureNames: [...LAUNCH_FEATURES],
  };
  const quantileModel = (d: Dataset, level: number): Booster =>
    train(d, { ...common, objective: { name: 'quantile', quantile: level } });
  return {
    weeks,
    mean: train(dataset(all, false), { ...common, objective: { name: 'poisson' } }),
    quantiles: levels.map((level) => ({ level, booster: quantileModel(data, level) })),
    products,
    established,
    scale,
    widen: conformalWidening(levels, y, base, launchDay, productOf, dataset, quantileModel),
  };
}

/**
 * The split-conformal margin of a band [lo, hi] on log(1 + units): the ⌈(1 − α)(m + 1)⌉-th smallest
 * of the m scores max(log1p(lo) − log1p(y), log1p(y) − log1p(hi)) (Infinity when that rank is past
 * m). Widening every band by it on that scale covers a new exchangeable case with probability
 * ≥ 1 − α. Example: conformalMargin([1], [3], [7], 0.5) = log(8/4).
 */
export function conformalMargin(
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  y: ArrayLike<number>,
  alpha: number,
): number {
  const m = y.length;
  const e = Float64Array.from({ length: m }, (_, k) => {
    const a = Math.log1p(Math.max(0, Math.min(lo[k]!, hi[k]!)));
    const b = Math.log1p(Math.max(0, lo[k]!, hi[k]!));
    const v = Math.log1p(y[k]!);
    return Math.max(a - v, v - b);
  }).sort();
  const rank = Math.ceil((1 - alpha) * (m + 1));
  return rank > m ? Infinity : e[rank - 1]!;
}

/**
 * The conformal widening of each band (ℓ, 1 − ℓ) in `levels`, ℓ < 0.5: models for both ends are
 * trained on the launches before the newest quarter (by launch day) and the rest's weeks give the
 * conformalMargin at α = 2ℓ. Needs ≥ 20 launches on each side, else no widening.
 */
function conformalWidening(
  levels: readonly number[],
  y: number[],
  base: number[],
  launchDay: number[],
  productOf: number[],
  dataset: (pick: number[]) => Dataset,
  quantileModel: (d: Dataset, level: number) => Booster,
): LaunchModel['widen'] {
  const pairs = levels.filter((l) => l < 0.5 && levels.some((u) => Math.abs(u - (1 - l)) < 1e-9));
  if (pairs.length === 0) return [];
  // only launches are scored (launchDay NaN: an established product's row, always fitted)
  const days = [...new Set(launchDay.filter(Number.isFinite))].sort((a, b) => a - b);
  const cut = days[Math.floor(days.length * 0.75)];
  const fit = y.map((_, r) => r).filter((r) => !(launchDay[r]! >= cut!));
  const score = y.map((_, r) => r).filter((r) => launchDay[r]! >= cut!);
  const launches = (pick: number[]): number => new Set(pick.map((r) => productOf[r]!)).size;
  if (cut === undefined || launches(fit) < 20 || launches(score) < 20) return [];
  const d = dataset(fit);
  const held = dataset(score);
  return pairs.flatMap((lower) => {
    // on units: the models' ratios times each row's base
    const lo = predict(quantileModel(d, lower), held.X, held.rows).map((v, k) => v * base[score[k]!]!);
    const hi = predict(quantileModel(d, 1 - lower), held.X, held.rows).map((v, k) => v * base[score[k]!]!);
    const by = conformalMargin(
      lo,
      hi,
      score.map((r) => y[r]!),
      2 * lower,
    );
    // too few scored weeks for so wide a band: it is left as trained
    return Number.isFinite(by) ? [{ lower, upper: 1 - lower, by, scored: score.length }] : [];
  });
}

export interface LaunchPrediction {
  mean: number[];
  quantiles: { level: number; values: number[] }[];
}

/** Puts each week's quantile values in level order. */
function sortQuantiles(quantiles: { values: number[] }[], weeks: number): void {
  for (let w = 0; w < weeks; w++) {
    const sorted = quantiles.map((q) => q.values[w]!).sort((a, b) => a - b);
    quantiles.forEach((q, k) => (q.values[w] = sorted[k]!));
  }
}

export function predictLaunch(model: LaunchModel, features: Float64Array): LaunchPrediction {
  const F = LAUNCH_FEATURES.length;
  const W = model.weeks;
  const X = new Float64Array(W * F);
  for (let f = 0; f < F; f++) for (let w = 0; w < W; w++) X[f * W + w] = f === F - 1 ? w + 1 : features[f]!;
  const mean = Array.from(predict(model.mean, X, W), (v) => Math.max(0, v));
  const base = ratioBase(features);
  const quantiles = model.quantiles.map((q) => ({
    level: q.level,
    values: Array.from(predict(q.booster, X, W), (v) => Math.max(0, v) * base),
  }));
  sortQuantiles(quantiles, W); // separately trained models may cross
  // conformal widening of each band (then sorted again, should a widened band cross another)
  const at = (level: number): { level: number; values: number[] } | undefined =>
    quantiles.find((q) => Math.abs(q.level - level) < 1e-9);
  const median = at(0.5);
  for (const c of model.widen) {
    const lo = at(c.lower);
    const hi = at(c.upper);
    if (lo === undefined || hi === undefined) continue;
    for (let w = 0; w < W; w++) {
      const mid = median?.values[w];
      lo.values[w] = Math.max(0, Math.expm1(Math.log1p(lo.values[w]!) - c.by));
      hi.values[w] = Math.expm1(Math.log1p(hi.values[w]!) + c.by);
      if (mid !== undefined)
        [lo.values[w], hi.values[w]] = [Math.min(lo.values[w]!, mid), Math.max(hi.values[w]!, mid)];
    }
  }
  sortQuantiles(quantiles, W);
  coherentQuantiles(mean, quantiles);
  return { mean, quantiles };
}

/** Standard normal quantile of a level, for the quantile levels the launch model uses (0 < ℓ < 1). */
const z = normalQuantile;

/**
 * Makes each week's quantiles agree with its mean and each other, keeping the median the trees
 * gave (their accuracy). On the log(1 + units) scale, with c the median and m the mean: a
 * reference split normal around c, its spread on the mean's side 1.05 × what puts the mean at the
 * outer level (the 5 % or 95 % quantile), at least 0.05 on both sides (ties need some spread). The
 * outer levels are the wider of the trees' (conformalised) band and the reference's: the band
 * always holds the mean, and is never narrowed. The inner levels stay where the trees put them,
 * but strictly inside their neighbours: no closer to the next level inward, or to the outer level,
 * than a fifth of the gap between the two times the reference's own proportion (ties broken by the
 * shape of the reference). Strictly ordered whenever the median is above 0 (below a median of 0,
 * every level is 0).
 */
export function coherentQuantiles(mean: readonly number[], quantiles: { level: number; values: number[] }[]): void {
  const mid = quantiles.findIndex((q) => Math.abs(q.level - 0.5) < 1e-9);
  if (mid < 0) return;
  const K = quantiles.length;
  for (let w = 0; w < mean.length; w++) {
    const c = Math.log1p(Math.max(0, quantiles[mid]!.values[w]!));
    const m = Math.log1p(Math.max(0, mean[w]!));
    const zOut = Math.max(...quantiles.map((q) => Math.abs(z(q.level))));
    const hi = Math.max((1.05 * (m - c)) / zOut, 0.05);
    const lo = Math.max((1.05 * (c - m)) / zOut, 0.05);
    const u = quantiles.map((q) => Math.log1p(Math.max(0, q.values[w]!)));
    const ref = quantiles.map((q) => Math.max(0, c + z(q.level) * (q.level > 0.5 ? hi : lo)));
    // outer levels: the wider of the trees' band and the reference's
    u[K - 1] = Math.max(u[K - 1]!, ref[K - 1]!);
    u[0] = Math.min(u[0]!, ref[0]!);
    // inner levels, outward from the median: strictly between their neighbours
    for (let k = mid + 1; k < K - 1; k++) {
      const t = Math.min(0.9, Math.max(0.1, (ref[k]! - c) / (ref[K - 1]! - c)));
      const span = u[K - 1]! - u[k - 1]!;
      u[k] = Math.min(Math.max(u[k]!, u[k - 1]! + 0.2 * t * span), u[K - 1]! - 0.2 * (1 - t) * span);
    }
    for (let k = mid - 1; k > 0; k--) {
      const t = c > ref[0]! ? Math.min(0.9, Math.max(0.1, (c - ref[k]!) / (c - ref[0]!))) : 0.5;
      const span = u[k + 1]! - u[0]!;
      u[k] = Math.max(Math.min(u[k]!, u[k + 1]! - 0.2 * t * span), u[0]! + 0.2 * (1 - t) * span);
    }
    quantiles.forEach((q, k) => (q.values[w] = k === mid ? q.values[w]! : Math.expm1(u[k]!)));
  }
}

/**
 * The service-level quantile of the units sold over several weeks together, each week given by
 * its mean and its 5 % and 95 % quantiles. Each week's standard deviation is read from its band,
 * (p95 − p05) / (2 × 1.645); the weeks are correlated with coefficient `rho` (the launch level,
 * unknown before the launch, drives them all, but not in lockstep: ρ = 1 would be comonotonic
 * weeks, whose quantile is the sum of the weekly quantiles); the sum is taken as lognormal with
 * that mean and variance (Fenton–Wilkinson moment matching). Kept between the summed mean and the
 * sum of the weekly quantiles at `level` (`weeklyQuantile`), the comonotonic bound.
 * Example: two weeks of mean 10, band 2–20 (sd 5.47), ρ = 0.5: sd of the sum 9.5, quantile 95 % ≈ 37.
 */
export function sumQuantile(
  weeks: readonly { mean: number; p05: number; p95: number }[],
  level: number,
  weeklyQuantile: (week: number) => number,
  rho = COVER_WEEK_CORRELATION,
): number {
  const total = weeks.reduce((a, w) => a + w.mean, 0);
  let upper = 0;
  for (let k = 0; k < weeks.length; k++) upper += weeklyQuantile(k);
  const sd = weeks.map((w) => Math.max(0, w.p95 - w.p05) / (2 * z(0.95)));
  let v = 0;
  for (let i = 0; i < sd.length; i++) for (let j = 0; j < sd.length; j++) v += (i === j ? 1 : rho) * sd[i]! * sd[j]!;
  if (!(total > 0)) return Math.max(0, upper);
  const s2 = Math.log1p(v / (total * total));
  const q = Math.exp(Math.log(total) - s2 / 2 + z(level) * Math.sqrt(s2));
  const [lo, hi] = [Math.min(total, upper), Math.max(total, upper)];
  return Math.min(hi, Math.max(lo, q));
}

/** The correlation between a launch's weeks that sumQuantile assumes (see there). */
export const COVER_WEEK_CORRELATION = 0.5;

/**
 * A trained launch model as JSON text (the boosters in gbdt/learner.ts's format), so that it is trained once per
 * data version and loaded afterwards. `launchModelFromJson(launchModelToJson(m))` predicts what `m` predicts.
 */
export function launchModelToJson(m: LaunchModel): string {
  return JSON.stringify({
    format: 'shopcast-launch-1',
    weeks: m.weeks,
    mean: JSON.parse(boosterToJson(m.mean)) as unknown,
    quantiles: m.quantiles.map((q) => ({ level: q.level, booster: JSON.parse(boosterToJson(q.booster)) as unknown })),
    products: m.products,
    established: m.established,
    scale: m.scale,
    widen: m.widen,
  });
}

/** The launch model of `launchModelToJson`'s text. */
export function launchModelFromJson(text: string): LaunchModel {
  const o = JSON.parse(text) as Omit<LaunchModel, 'mean' | 'quantiles'> & {
    format: string;
    mean: unknown;
    quantiles: { level: number; booster: unknown }[];
  };
  if (o.format !== 'shopcast-launch-1') throw new RangeError(`launch: unknown model format ${o.format}`);
  const b = (x: unknown): Booster => boosterFromJson(JSON.stringify(x));
  return {
    weeks: o.weeks,
    mean: b(o.mean),
    quantiles: o.quantiles.map((q) => ({ level: q.level, booster: b(q.booster) })),
    products: o.products,
    established: o.established,
    scale: o.scale,
    widen: o.widen,
  };
}
