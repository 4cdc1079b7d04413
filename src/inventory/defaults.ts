/**
 * The assumptions inventory planning makes where a shop's stock file says nothing. Every plan
 * states the ones it used.
 * @example skuCosts(5).orderCost === INVENTORY_DEFAULTS.orderCost // true: 20 per order
 */
export const INVENTORY_DEFAULTS = {
  /** supplier lead time, days */
  leadTimeDays: 7,
  /** spread of the lead time, days (0: fixed) */
  leadTimeSdDays: 0,
  /** days between reviews (R of the periodic-review policy) */
  reviewDays: 7,
  /** unit cost as a share of the median selling price, when no cost is known */
  costShare: 0.6,
  /** holding cost per year as a share of unit cost (capital, storage, shrinkage; Silver, Pyke & Thomas put 0.2–0.35) */
  holdingRate: 0.25,
  /** fixed cost of placing one order, currency */
  orderCost: 20,
  /** target fill rate when neither the class matrix nor --service-level applies */
  fillRate: 0.95,
  /**
   * an order of more than this many times the SKU's largest 28-day demand in its history is held back for a check,
   * not suggested (an absurd line, a mistyped stock or cost): an EOQ lot of a cheap, steady seller covers about 4
   * such months, so 10 leaves room for a real lot and none for a data error
   */
  holdBackFactor: 10,
  /** days a transfer between two locations takes */
  transferDays: 2,
  /** fixed cost of one transfer between locations, currency */
  transferCost: 10,
  /** cost of moving one unit between locations, as a share of its unit cost */
  transferUnitCostShare: 0.05,
} as const;

/** The costs the stock policy and the budget weigh for one SKU, in the shop's currency. */
export interface SkuCosts {
  /** purchase cost of one unit */
  unitCost: number;
  /** holding cost of one unit in stock for one day: holding rate × unit cost / 365 */
  holdingPerUnitDay: number;
  /** a unit of demand lost: its margin, price − unit cost (at least 5 % of the price) */
  shortagePerUnit: number;
  /** fixed cost of one order */
  orderCost: number;
}

/**
 * Costs of a SKU from its selling price and whatever the stock file gives (undefined: the default
 * of INVENTORY_DEFAULTS): unit cost 60 % of the price, holding 25 % of unit cost a year, 20 per
 * order, and a lost unit costs its margin (at least 5 % of the price).
 * @example
 * skuCosts(5);
 * // → { unitCost: 3, holdingPerUnitDay: 0.00205 (0.25 · 3 / 365), shortagePerUnit: 2, orderCost: 20 }
 */
export function skuCosts(
  price: number,
  given: { unitCost?: number | undefined; holdingRate?: number | undefined; orderCost?: number | undefined } = {},
): SkuCosts {
  const unitCost = given.unitCost ?? INVENTORY_DEFAULTS.costShare * price;
  const holdingRate = given.holdingRate ?? INVENTORY_DEFAULTS.holdingRate;
  return {
    unitCost,
    holdingPerUnitDay: (holdingRate * unitCost) / 365,
    shortagePerUnit: Math.max(price - unitCost, 0.05 * price),
    orderCost: given.orderCost ?? INVENTORY_DEFAULTS.orderCost,
  };
}
