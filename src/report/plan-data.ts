/**
 * What the plan report shows (report.html): the data the plan pipeline gathers, as plain values,
 * so that rendering is a pure function of it.
 */

import { type QuantilePoint } from '../models/contract.js';

export interface PlanReportForecastPoint extends QuantilePoint {
  /** first day of the period, YYYY-MM-DD */
  date: string;
}

/** The life-cycle evidence of one SKU: its stage week by week and the fitted launch curve. */
export interface PlanReportLifecycle {
  /** weekly units since the product's first week, each with the stage assigned to that week */
  weeks: { date: string; units: number; stage: string }[];
  /** the launch curve fitted to those weeks, where the history covers the launch */
  curve?: {
    /** bass, gompertz or triangle */
    family: string;
    /** R² on the smoothed history */
    r2: number;
    /** fitted units for each of `weeks` */
    values: number[];
    /** the curve's peak and end of life (95 % of lifetime demand sold), YYYY-MM-DD */
    peak: string;
    endOfLife: string;
  };
  /** the evidence in words, e.g. 'trend over 13 weeks +1.2 %/week (p = 0.03); last 4 weeks at 85 % of the peak' */
  evidence: string;
}

export interface PlanReportSku {
  sku: string;
  name: string;
  abc: 'A' | 'B' | 'C';
  xyz: 'X' | 'Y' | 'Z';
  /** introduction, growth, maturity, decline, dormant, ended (or 'unknown') */
  stage: string;
  /** 0..1 */
  stageConfidence: number;
  /** a stage change since the previous plan, e.g. 'growth → maturity' */
  stageChange?: string;
  /** how the stage was reached (absent when the SKU had no life-cycle assessment) */
  lifecycle?: PlanReportLifecycle;
  /** the forecasting model used, e.g. ETS(A,N,N) */
  model: string;
  /** recent weekly sales, oldest first */
  history: { date: string; units: number }[];
  /** weekly forecast over the horizon */
  forecast: PlanReportForecastPoint[];
  onHand: number;
  onOrder: number;
  /** the target fill rate used for this SKU */
  serviceLevel: number;
  reorderPoint: number;
  orderUpTo: number;
  orderQty: number;
  /** YYYY-MM-DD, or null when no order is needed */
  orderBy: string | null;
  /** days the stock on hand + on order lasts at the forecast mean */
  coverDays: number;
  /** chance of running out before the next order could arrive, without the order (0..1) */
  stockoutRisk: number;
  /** what to do and why, in a merchant's words */
  why: string;
  /** the technical reason: reorder point, EOQ, MOQ, packs, stage, budget */
  reason: string;
  /** projected stock at the end of each day at the forecast mean, without and with the order */
  projection: { date: string; withoutOrder: number; withOrder: number }[];
}

/** One line of orders.csv as the report lists it (every line is listed). */
export interface PlanReportOrder {
  sku: string;
  name: string;
  /** null when the stock file names none */
  supplier: string | null;
  qty: number;
  unitCost: number;
  /** qty × unit cost */
  value: number;
  /** YYYY-MM-DD */
  orderBy: string;
  /** days the stock on hand + on order lasts at the forecast mean; null when it never runs out */
  coverDays: number | null;
  /** chance of running out before the next delivery could arrive without this order, 0..1 */
  risk: number;
  abc: 'A' | 'B' | 'C';
  /** YYYY-MM-DD the stock is expected to run out, or null */
  stockoutDate: string | null;
  /** expected units and revenue lost before an order placed now could arrive */
  lostUnits: number;
  lostRevenue: number;
  /** the order cannot arrive before the stock-out: rush it */
  expedite: boolean;
  /** not suggested (e.g. far beyond the product's history): listed apart, with why */
  heldBack: boolean;
  /** what to do and why, in a merchant's words */
  why: string;
  /** the technical reason */
  detail: string;
}

/** An alert; stock-out alerts carry the money at stake, and every alert about a SKU its name. */
export interface PlanReportAlert {
  kind: 'stockout' | 'stage' | 'budget' | 'data';
  sku?: string;
  name?: string;
  message: string;
  /** expected revenue lost before the next possible delivery */
  atStake?: number;
  abc?: 'A' | 'B' | 'C';
}

export interface PlanReport {
  title: string;
  /** when the plan was made (ISO timestamp) */
  generatedAt: string;
  /** the last day of sales data used */
  asOf: string;
  horizonDays: number;
  /** the defaults and assumptions used, one sentence each (e.g. 'lead time 7 days (default)') */
  assumptions: string[];
  totals: {
    skus: number;
    skusToOrder: number;
    orderUnits: number;
    orderValue: number;
    /** null when no budget was given */
    budget: number | null;
    skusAtRisk: number;
    forecastUnits: number;
    forecastRevenue: number;
    /** expected revenue lost before the next possible delivery, over every order */
    atStake: number;
  };
  /** every alert, most money at stake first within each kind (the page shows the first few of each, the rest folded) */
  alerts: PlanReportAlert[];
  /** every line of orders.csv */
  orders: PlanReportOrder[];
  /** rows affected by each cleaning rule */
  cleaning: { rule: string; rows: number }[];
  /** the SKUs shown in detail, most important first */
  skus: PlanReportSku[];
  /** the currency symbol of amounts */
  currency: string;
  /**
   * the purchase orders per supplier and location and the transfers between locations; absent when the shop has one
   * location, no transfer and no order raised to a supplier's minimum (the orders above say it all)
   */
  network?: PlanReportNetwork;
}

/** The plan's purchase orders per supplier and location, and its transfers. */
export interface PlanReportNetwork {
  purchaseOrders: {
    poId: string;
    supplier: string;
    location: string;
    lines: number;
    units: number;
    value: number;
    /** lines raised (or added) to meet the supplier's minimum */
    raised: number;
  }[];
  transfers: { sku: string; name: string; from: string; to: string; qty: number; cost: number; saves: number }[];
}
