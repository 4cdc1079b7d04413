import { InputError } from './errors.js';

/**
 * Settings of the cleaning rules. The defaults fit the UCI Online Retail shop and are stated in
 * the README; a workspace may override any of them with `--config FILE` (JSON, same shape).
 */
export interface CleaningConfig {
  cancellations: {
    /** Regular expression an order id matches when the whole order is a cancellation. */
    orderIdPattern: string;
  };
  nonProduct: {
    /** SKUs that are never products (postage, fees, adjustments), compared case-insensitively. */
    skus: string[];
    /**
     * Regular expression product SKUs match, per layout name; a SKU of a file of that layout that
     * does not match is a non-product line. Online Retail: products have five-digit stock codes.
     */
    productSkuPattern: Record<string, string>;
  };
  outliers: {
    /** SKUs with fewer sale lines than this are not checked. */
    minLines: number;
    /**
     * A line is an outlier when log(quantity) lies more than `zScore` robust spreads above the SKU's median log
     * quantity.
     */
    zScore: number;
    /**
     * Floor of the robust spread (1.4826 × MAD of log quantities), so SKUs always sold by the same count still allow
     * some variation.
     */
    minSpread: number;
  };
  closedDays: {
    /**
     * Look for closed days among the shop-wide empty days (no order line at all; daily data: nothing sold across the
     * shop). Only a pattern is closed (engine/closed-calendar.ts): a weekday without sales in nearly every week, or a
     * holiday (a run of empty days at Christmas–New Year or Easter, or a date empty every year); any other empty day
     * is zero demand. false: no day is closed by these rules.
     */
    shopWideZero: boolean;
    /** A weekday needs at least this many weeks of history to be called closed. */
    minWeeks: number;
    /** … and no sale on at least this share of them. */
    weekdayMinShare: number;
    /** A pattern is accepted when an open shop would show it by chance with at most this probability. */
    maxChance: number;
  };
  stockouts: {
    /** Only SKUs that sell on at least this share of open days are regular sellers. */
    minSellRate: number;
    /** … and on at least this many days. */
    minSaleDays: number;
    /** Shortest run of zero-sale open days that can be a stock-out. */
    minRunDays: number;
    /** Longest such run: a longer pause is dormancy (a seasonal product out of season), not a stock-out. */
    maxRunDays: number;
    /** A run is flagged when a run that long would happen by chance with at most this probability. */
    maxChance: number;
  };
}

/**
 * The cleaning rules' defaults (tuned on UCI Online Retail): C-prefixed order ids are cancellations,
 * postage and fee codes are not products, a line over 5 robust spreads above the SKU's usual log
 * quantity is an outlier, a weekday without sales in 90 % of at least 4 weeks or a holiday run that
 * chance explains with probability ≤ 0.001 is closed (other shop-wide empty days are zero demand), and
 * runs of 7 to 56 zero-sale days of a regular seller that chance explains with probability ≤ 0.001 are stock-outs.
 * @example const strict = mergeCleaningConfig('inline', { outliers: { zScore: 4 } }, DEFAULT_CLEANING);
 */
export const DEFAULT_CLEANING: CleaningConfig = {
  cancellations: { orderIdPattern: '^[Cc]' },
  nonProduct: {
    skus: [
      'POST',
      'POSTAGE',
      'DOT',
      'SHIPPING',
      'CARRIAGE',
      'BANK CHARGES',
      'AMAZONFEE',
      'FEE',
      'ADJUST',
      'DISCOUNT',
      'MANUAL',
    ],
    productSkuPattern: { 'uci-online-retail': '^[0-9]{5}' },
  },
  outliers: { minLines: 5, zScore: 5, minSpread: 0.5 },
  closedDays: { shopWideZero: true, minWeeks: 4, weekdayMinShare: 0.9, maxChance: 0.001 },
  stockouts: { minSellRate: 0.3, minSaleDays: 20, minRunDays: 7, maxRunDays: 56, maxChance: 0.001 },
};

/**
 * Merges a partial configuration (as read from JSON) over `base` setting by setting, checking each
 * value's type (a map such as `productSkuPattern` is replaced whole) and that the patterns compile.
 * Throws an Error naming `source` and the setting; null or undefined gives `base`.
 * @example
 * mergeCleaningConfig('shop.json', { outliers: { zScore: 4 } }).outliers; // { minLines: 5, zScore: 4, minSpread: 0.5 }
 * mergeCleaningConfig('shop.json', { outliers: { zScore: '4' } });
 * // throws Error("shop.json: 'outliers.zScore' must be number, got string")
 */
export function mergeCleaningConfig(
  source: string,
  partial: unknown,
  base: CleaningConfig = DEFAULT_CLEANING,
): CleaningConfig {
  if (partial === undefined || partial === null) return base;
  if (typeof partial !== 'object' || Array.isArray(partial))
    throw new InputError(`${source}: cleaning config must be a JSON object`);
  const out = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(partial as Record<string, unknown>)) {
    const target = out[section];
    if (target === undefined)
      throw new InputError(`${source}: unknown cleaning section '${section}' (known: ${Object.keys(base).join(', ')})`);
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      throw new InputError(`${source}: cleaning section '${section}' must be an object`);
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (!(key in target)) throw new InputError(`${source}: unknown setting '${section}.${key}'`);
      const want = Array.isArray(target[key]) ? 'array' : typeof target[key];
      const got = Array.isArray(value) ? 'array' : typeof value;
      if (want !== got) throw new InputError(`${source}: '${section}.${key}' must be ${want}, got ${got}`);
      if (want === 'array' && !(value as unknown[]).every((v) => typeof v === 'string'))
        throw new InputError(`${source}: '${section}.${key}' must be a list of strings`);
      if (want === 'object' && !Object.values(value as object).every((v) => typeof v === 'string'))
        throw new InputError(`${source}: '${section}.${key}' must map names to strings`);
      if (want === 'number' && !Number.isFinite(value))
        throw new InputError(`${source}: '${section}.${key}' must be a finite number`);
      target[key] = value;
    }
  }
  for (const p of [
    out['cancellations']!['orderIdPattern'] as string,
    ...Object.values(out['nonProduct']!['productSkuPattern'] as Record<string, string>),
  ]) {
    try {
      new RegExp(p);
    } catch {
      throw new InputError(`${source}: '${p}' is not a valid regular expression`);
    }
  }
  return out as unknown as CleaningConfig;
}
