/**
 * Customers' purchases as the customer models read them, and their stored scores (schema version 9): a purchase is
 * a day on which the customer bought (order lines of status `sale`, several orders of one day counted once), its
 * value the day's quantity × unit price. Lines without a customer id are counted, not attributed.
 */
import { codeRows, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** One customer's purchases up to a day, in days. */
export interface CustomerPurchases {
  customer_id: string;
  /** purchase days after the first (x) */
  frequency: number;
  /** days from the first purchase to the last (t_x) */
  recency: number;
  /** days from the first purchase to the as-of day (T) */
  t: number;
  /** days from the last purchase to the as-of day */
  since_last: number;
  /** the value of all purchases, and of the repeat ones (after the first day) */
  spend: number;
  repeat_spend: number;
}

/**
 * Every customer with a purchase up to `asOf` (inclusive), by customer id; and the sale lines up to then without a
 * customer id. O(order lines).
 * @example const { customers, linesWithoutCustomer } = await customerPurchases(ws, '2011-06-30');
 */
export async function customerPurchases(
  ws: Workspace,
  asOf: string,
): Promise<{ customers: CustomerPurchases[]; linesWithoutCustomer: number }> {
  const customers = await ws.all<CustomerPurchases>(sql`
    WITH d AS (
      SELECT customer_id, date, sum(quantity * unit_price) AS value FROM order_lines
      WHERE status = 'sale' AND customer_id IS NOT NULL AND date <= ${asOf}::DATE GROUP BY customer_id, date),
    k AS (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY date) AS k FROM d)
    SELECT customer_id, (count(*) - 1)::INTEGER AS frequency,
      datediff('day', min(date), max(date))::INTEGER AS recency,
      datediff('day', min(date), ${asOf}::DATE)::INTEGER AS t,
      datediff('day', max(date), ${asOf}::DATE)::INTEGER AS since_last,
      sum(value)::DOUBLE AS spend, coalesce(sum(value) FILTER (WHERE k > 1), 0)::DOUBLE AS repeat_spend
    FROM k GROUP BY customer_id ORDER BY customer_id`);
  const { n } = await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM order_lines
    WHERE status = 'sale' AND customer_id IS NULL AND date <= ${asOf}::DATE`);
  return { customers, linesWithoutCustomer: n };
}

/** A stored customer run's header. */
export interface CustomerRunInfo {
  as_of: string;
  days: number;
  model: string;
  /** the fitted models' parameters and log-likelihoods, as JSON */
  params: string;
  customers: number;
}

/** One customer's scores in a run (column order of `customer_scores` after run_id). */
export type CustomerScoreRow = [
  customer_id: string,
  frequency: number,
  recency: number,
  t: number,
  monetary: number | null,
  spend: number,
  p_alive: number,
  expected_purchases: number,
  expected_value: number | null,
  clv: number | null,
  r: number,
  f: number,
  m: number,
  segment: string,
];

/**
 * Stores a customer run and its customers' scores in one transaction; returns its run id (max + 1: the caller holds
 * the writer's lock where there is one).
 * @example const id = await storeCustomerRun(ws, run, rows);
 */
export async function storeCustomerRun(
  ws: Workspace,
  run: CustomerRunInfo,
  rows: Iterable<CustomerScoreRow>,
): Promise<number> {
  return ws.transaction(async () => {
    const { id } = await ws.one<{ id: number }>(
      'SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM customer_runs',
    );
    await ws.run(sql`INSERT INTO customer_runs VALUES (${id}::INTEGER, now()::TIMESTAMP, ${run.as_of}::DATE,
      ${run.days}::INTEGER, ${run.model}, ${run.params}, ${run.customers}::INTEGER)`);
    await ws.appendRows(
      'customer_scores',
      // prettier-ignore
      ['INTEGER', 'VARCHAR', 'INTEGER', 'INTEGER', 'INTEGER', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE',
        'DOUBLE', 'INTEGER', 'INTEGER', 'INTEGER', 'VARCHAR'],
      (function* () {
        for (const r of rows) yield [id, ...r];
      })(),
    );
    return id;
  });
}

/** One customer's purchases of a set of SKUs (a launch's similar products) up to a day. */
export interface SkuSetPurchases {
  customer_id: string;
  /** distinct days with a purchase of any of the SKUs */
  days: number;
  /** distinct SKUs of the set bought */
  skus: number;
  units: number;
  /** the mean of the `weights` of the SKUs bought, weighted by the days each was bought on */
  weight: number;
  /** distinct days with a purchase of anything in the `recentDays` days up to the day */
  recent_days: number;
}

/**
 * Per customer who bought any of `skus` (sale lines with a customer id, up to `asOf` inclusive): their purchase days
 * of the set, the set's SKUs they bought, the units, the weight (`weights`, by SKU) of what they bought, and their
 * purchase days of anything in the `recentDays` days up to `asOf`. O(order lines of the SKUs and of those customers).
 * @example await skuSetPurchases(ws, '2011-11-04', ['22423', '85123A'], [0.8, 0.6], 84)
 */
export async function skuSetPurchases(
  ws: Workspace,
  asOf: string,
  skus: readonly string[],
  weights: readonly number[],
  recentDays = 0,
): Promise<SkuSetPurchases[]> {
  if (skus.length === 0) return [];
  if (weights.length !== skus.length) throw new RangeError('skuSetPurchases: one weight per SKU');
  const w = weights.map(String).join(',');
  return ws.all<SkuSetPurchases>(sql`
    WITH s AS (SELECT ${codeRows(skus)} AS sku, unnest(string_split(${w}, ','))::DOUBLE AS weight),
    d AS (
      SELECT o.customer_id, o.date, o.sku, sum(o.quantity) AS units, any_value(s.weight) AS weight
      FROM order_lines o JOIN s USING (sku)
      WHERE o.status = 'sale' AND o.customer_id IS NOT NULL AND o.date <= ${asOf}::DATE
      GROUP BY o.customer_id, o.date, o.sku),
    b AS (
      SELECT customer_id, count(DISTINCT date)::INTEGER AS days, count(DISTINCT sku)::INTEGER AS skus,
        sum(units)::DOUBLE AS units, avg(weight)::DOUBLE AS weight
      FROM d GROUP BY customer_id),
    r AS (
      SELECT customer_id, count(DISTINCT date)::INTEGER AS recent_days FROM order_lines
      WHERE status = 'sale' AND customer_id IN (SELECT customer_id FROM b)
        AND date <= ${asOf}::DATE AND date > ${asOf}::DATE - ${recentDays}::INTEGER
      GROUP BY customer_id)
    SELECT b.*, coalesce(r.recent_days, 0)::INTEGER AS recent_days FROM b LEFT JOIN r USING (customer_id)
    ORDER BY customer_id`);
}

/**
 * Of the units that earlier launches sold in their first `days` days (each `launches[k]` from its first sale), the
 * units bought by customers who had bought one of `skus` (the launch's similar products, the launch itself left
 * out) before that first sale, and all of them. O(order lines of the SKUs).
 * @example await priorBuyerUnits(ws, ['22423', '85123A'], [{ sku: '23084', first_sale: '2011-05-10' }], 84)
 */
export async function priorBuyerUnits(
  ws: Workspace,
  skus: readonly string[],
  launches: readonly { sku: string; first_sale: string }[],
  days: number,
): Promise<{ prior: number; all: number }> {
  if (launches.length === 0) return { prior: 0, all: 0 };
  const firsts = launches.map((l) => l.first_sale).join(',');
  return ws.one<{ prior: number; all: number }>(sql`
    WITH l AS (
      SELECT ${codeRows(launches.map((x) => x.sku))} AS sku, unnest(string_split(${firsts}, ','))::DATE AS first),
    s AS (SELECT ${codeRows(skus)} AS sku),
    sold AS (
      SELECT o.sku, o.customer_id, o.quantity, l.first FROM order_lines o JOIN l USING (sku)
      WHERE o.status = 'sale' AND o.date >= l.first AND o.date < l.first + ${days}::INTEGER),
    earlier AS (
      SELECT DISTINCT sold.sku, sold.customer_id FROM sold JOIN order_lines p ON p.customer_id = sold.customer_id
      WHERE p.status = 'sale' AND p.sku IN (SELECT sku FROM s) AND p.sku <> sold.sku AND p.date < sold.first)
    SELECT coalesce(sum(quantity) FILTER (WHERE e.customer_id IS NOT NULL), 0)::DOUBLE AS prior,
      coalesce(sum(quantity), 0)::DOUBLE AS "all"
    FROM sold LEFT JOIN earlier e USING (sku, customer_id)`);
}
