/**
 * `shopcast customers`: what the shop's customers will do. From the order lines up to an as-of day, each customer's
 * purchase history (store/customers.ts) feeds the customer-base models of src/customers/: BG/NBD and Pareto/NBD for
 * how often they buy and whether they are still customers (P(alive), the purchases to expect in the next N days),
 * Gamma-Gamma for what a purchase of theirs is worth, and RFM segments. A customer's value over the next N days
 * (`clv`) is expected purchases × expected value (revenue, undiscounted). The run is stored in the workspace.
 */
import { writeFileSync } from 'node:fs';
import { csvField } from '../data/csv-format.js';
import { parseDateOption } from '../data/date-option.js';
import { InputError } from '../data/errors.js';
import { type BgNbdParams, bgNbdExpected, bgNbdPAlive, fitBgNbd } from '../customers/bg-nbd.js';
import { type GammaGammaParams, fitGammaGamma, gammaGammaExpected } from '../customers/gamma-gamma.js';
import type { CustomerHistories } from '../customers/histories.js';
import { type ParetoNbdParams, fitParetoNbd, paretoNbdExpected, paretoNbdPAlive } from '../customers/pareto-nbd.js';
import { type RfmSegment, RFM_SEGMENTS, rfmScores } from '../customers/rfm.js';
import { ensureCleanTables } from '../store/clean.js';
import { type CustomerScoreRow, customerPurchases, storeCustomerRun } from '../store/customers.js';
import { lastSalesDay } from '../store/ingest.js';
import type { Workspace } from '../store/workspace.js';

/**
 * The purchase models `customers` can use: the better fit of the two (higher log-likelihood), or one of them.
 * @example CUSTOMER_MODELS.includes('bg-nbd') // true
 */
export const CUSTOMER_MODELS = ['auto', 'bg-nbd', 'pareto-nbd'] as const;
/** One of CUSTOMER_MODELS. */
export type CustomerModel = (typeof CUSTOMER_MODELS)[number];

/** Options of `customersWorkspace`. */
export interface CustomersOptions {
  /** the last day of data the models see (default: the workspace's last sales day) */
  asOf?: string;
  /** the horizon of expected purchases and CLV, in days (default 90) */
  days?: number;
  /** default 'auto' */
  model?: CustomerModel;
  /** store the run in the workspace (default true) */
  store?: boolean;
}

/** One customer's figures (frequency, recency and T in days, as the models count them). */
export interface CustomerRow {
  customer_id: string;
  frequency: number;
  recency: number;
  T: number;
  days_since_last: number;
  /** mean value of the repeat purchases (null without one) */
  monetary: number | null;
  spend: number;
  p_alive: number;
  expected_purchases: number;
  /** Gamma-Gamma's expected value of a purchase (null when it could not be fitted) */
  expected_value: number | null;
  clv: number | null;
  rfm: { r: number; f: number; m: number };
  segment: RfmSegment;
}

/** What `customersWorkspace` fitted and scored. */
export interface CustomersResult {
  as_of: string;
  days: number;
  /** the purchase model the figures come from */
  model: 'bg-nbd' | 'pareto-nbd';
  fits: {
    bg_nbd: { params: BgNbdParams; log_lik: number } | null;
    pareto_nbd: { params: ParetoNbdParams; log_lik: number } | null;
    gamma_gamma: { params: GammaGammaParams; log_lik: number; customers: number } | null;
  };
  customers: number;
  /** sale lines up to the as-of day without a customer id (in no customer's history) */
  lines_without_customer: number;
  expected_purchases_total: number;
  segments: Record<RfmSegment, number>;
  /** every customer, by CLV (then expected purchases) from the highest */
  rows: CustomerRow[];
  run_id: number | null;
}

/** Customers a fit needs at the least. */
const MIN_CUSTOMERS = 10;

/**
 * Fits the customer models on the workspace's order lines up to the as-of day and scores every customer (module
 * comment). Throws an InputError for a bad option or too few customers with ids.
 * @example const r = await customersWorkspace(ws, { days: 90 }); r.rows[0].clv;
 */
export async function customersWorkspace(ws: Workspace, o: CustomersOptions = {}): Promise<CustomersResult> {
  const days = o.days ?? 90;
  if (!(Number.isInteger(days) && days >= 1 && days <= 3650))
    throw new InputError(`customers: days must be a whole number from 1 to 3650, got ${days}`, { field: 'days' });
  const model = o.model ?? 'auto';
  if (!CUSTOMER_MODELS.includes(model))
    throw new InputError(`customers: model must be one of ${CUSTOMER_MODELS.join(', ')}, got '${String(model)}'`, {
      field: 'model',
    });
  await ensureCleanTables(ws);
  const asOf = o.asOf !== undefined ? parseDateOption(o.asOf, 'asOf') : await lastSalesDay(ws);
  if (asOf === null) throw new InputError('customers: the workspace has no sales');
  const { customers, linesWithoutCustomer } = await customerPurchases(ws, asOf);
  if (customers.length < MIN_CUSTOMERS)
    throw new InputError(
      `customers: ${customers.length} customers with an id bought up to ${asOf}; the models need at least ` +
        `${MIN_CUSTOMERS} (order lines need a customer_id column)`,
    );
  const h: CustomerHistories = {
    frequency: Float64Array.from(customers, (c) => c.frequency),
    recency: Float64Array.from(customers, (c) => c.recency),
    T: Float64Array.from(customers, (c) => c.t),
  };
  const bg = model === 'pareto-nbd' ? null : fitBgNbd(h);
  const pn = model === 'bg-nbd' ? null : fitParetoNbd(h);
  const used: 'bg-nbd' | 'pareto-nbd' =
    pn === null || (bg !== null && bg.logLik >= pn.logLik) ? 'bg-nbd' : 'pareto-nbd';
  const monetary = Float64Array.from(customers, (c) => (c.frequency > 0 ? c.repeat_spend / c.frequency : 0));
  let gg: ReturnType<typeof fitGammaGamma> | null = null;
  try {
    gg = fitGammaGamma(h.frequency, monetary);
  } catch {
    gg = null; // no customer with a repeat purchase of positive value: no spend model
  }
  const scores = rfmScores(
    Float64Array.from(customers, (c) => c.since_last),
    Float64Array.from(customers, (c) => c.frequency + 1),
    Float64Array.from(customers, (c) => c.spend),
  );
  const rows: CustomerRow[] = customers.map((c, i) => {
    const [x, tx, T] = [c.frequency, c.recency, c.t];
    const pAlive = used === 'bg-nbd' ? bgNbdPAlive(bg!.params, x, tx, T) : paretoNbdPAlive(pn!.params, x, tx, T);
    const expected =
      used === 'bg-nbd' ? bgNbdExpected(bg!.params, x, tx, T, days) : paretoNbdExpected(pn!.params, x, tx, T, days);
    const value = gg === null ? NaN : gammaGammaExpected(gg.params, x, monetary[i]!);
    return {
      customer_id: c.customer_id,
      frequency: x,
      recency: tx,
      T,
      days_since_last: c.since_last,
      monetary: x > 0 ? monetary[i]! : null,
      spend: c.spend,
      p_alive: pAlive,
      expected_purchases: expected,
      expected_value: Number.isFinite(value) ? value : null,
      clv: Number.isFinite(value) ? expected * value : null,
      rfm: { r: scores.r[i]!, f: scores.f[i]!, m: scores.m[i]! },
      segment: scores.segment[i]!,
    };
  });
  rows.sort(
    (a, b) =>
      (b.clv ?? -Infinity) - (a.clv ?? -Infinity) ||
      b.expected_purchases - a.expected_purchases ||
      (a.customer_id < b.customer_id ? -1 : 1),
  );
  const segments = Object.fromEntries(RFM_SEGMENTS.map((s) => [s, 0])) as Record<RfmSegment, number>;
  for (const r of rows) segments[r.segment]++;
  const fits: CustomersResult['fits'] = {
    bg_nbd: bg === null ? null : { params: bg.params, log_lik: bg.logLik },
    pareto_nbd: pn === null ? null : { params: pn.params, log_lik: pn.logLik },
    gamma_gamma: gg === null ? null : { params: gg.params, log_lik: gg.logLik, customers: gg.customers },
  };
  const runId =
    o.store === false
      ? null
      : await storeCustomerRun(
          ws,
          { as_of: asOf, days, model: used, params: JSON.stringify(fits), customers: rows.length },
          rows.map((r): CustomerScoreRow => [
            r.customer_id,
            r.frequency,
            r.recency,
            r.T,
            r.monetary,
            r.spend,
            r.p_alive,
            r.expected_purchases,
            r.expected_value,
            r.clv,
            r.rfm.r,
            r.rfm.f,
            r.rfm.m,
            r.segment,
          ]),
        );
  return {
    as_of: asOf,
    days,
    model: used,
    fits,
    customers: rows.length,
    lines_without_customer: linesWithoutCustomer,
    expected_purchases_total: rows.reduce((a, r) => a + r.expected_purchases, 0),
    segments,
    rows,
    run_id: runId,
  };
}

/**
 * The columns of `writeCustomersCsv`, in order.
 * @example CUSTOMER_CSV_COLUMNS[0] // 'customer_id'
 */
export const CUSTOMER_CSV_COLUMNS = [
  'customer_id',
  'frequency',
  'recency',
  'T',
  'p_alive',
  'expected_purchases',
  'expected_value',
  'clv',
  'segment',
] as const;

/**
 * Writes one row per customer (CUSTOMER_CSV_COLUMNS; frequency, recency and T in days; figures over the run's
 * days), text cells neutralised against spreadsheet formulas. Returns the rows written.
 * @example writeCustomersCsv('customers.csv', result.rows);
 */
export function writeCustomersCsv(path: string, rows: readonly CustomerRow[]): number {
  const round = (v: number | null, d: number): number | null => (v === null ? null : Number(v.toFixed(d)));
  const lines = [CUSTOMER_CSV_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      [
        r.customer_id,
        r.frequency,
        r.recency,
        r.T,
        round(r.p_alive, 4),
        round(r.expected_purchases, 4),
        round(r.expected_value, 2),
        round(r.clv, 2),
        r.segment,
      ]
        .map(csvField)
        .join(','),
    );
  writeFileSync(path, lines.join('\n') + '\n');
  return rows.length;
}
