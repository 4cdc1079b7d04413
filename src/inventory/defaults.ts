/**
 * The assumptions inventory planning makes where a shop's stock file says nothing. Every plan
 * states the ones it used.
 */
export const INVENTORY_DEFAULTS = {
  leadTimeDays: 7,
  leadTimeSdDays: 0,
  reviewDays: 7,
  /** unit cost as a share of the median selling price, when no cost is known */
  costShare: 0.6,
  /** holding cost per year as a share of unit cost (capital, storage, shrinkage; Silver, Pyke & Thomas put 0.2–0.35) */
  holdingRate: 0.25,
  /** fixed cost of placing one order */
  orderCost: 20,
  /** target fill rate when neither the class matrix nor --service-level applies */
  fillRate: 0.95,
} as const;

export interface SkuCosts {
  unitCost: number;
  holdingPerUnitDay: number;
  /** a unit of demand lost: its margin, price − unit cost */
  shortagePerUnit: number;
  orderCost: number;
}

/** Costs of a SKU from its price and whatever the stock file gives (undefined: the default). */
export function skuCosts(price: number, given: { unitCost?: number | undefined; holdingRate?: number | undefined; orderCost?: number | undefined } = {}): SkuCosts {
  const unitCost = given.unitCost ?? INVENTORY_DEFAULTS.costShare * price;
  const holdingRate = given.holdingRate ?? INVENTORY_DEFAULTS.holdingRate;
  return {
    unitCost,
    holdingPerUnitDay: (holdingRate * unitCost) / 365,
    shortagePerUnit: Math.max(price - unitCost, 0.05 * price),
    orderCost: given.orderCost ?? INVENTORY_DEFAULTS.orderCost,
  };
}
