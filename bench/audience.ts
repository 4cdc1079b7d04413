/**
 * npm run bench:audience — does a launch's audience (`shopcast launch --audience N`) name the customers who then buy
 * the new product? A backtest on Online Retail (issue #23).
 *
 * Launches: the SKUs first sold between 2011-06-01 and 2011-08-12 (so that their first 12 weeks end by the data's
 * last day, 2011-11-04) that at least 5 customers bought in those weeks; every `--every`-th of them (default 4) in
 * order of launch. Each is planned as it would have been, with its description as name and its first selling price,
 * launched that day, for 12 weeks, in a workspace of the order lines dated before the Monday of its launch's week
 * (ingested anew and cleaned on their own, one workspace per week of launches). Its audience is ranked among every
 * buyer of its similar products.
 *
 * Scored against what happened (the full data): the customers who bought the SKU in its first 12 weeks.
 *  - hits@N: of the audience's top N (default 50), how many bought it; beside it, the same N taken as
 *    (a) the shop's most active customers (most purchase days in the 12 weeks before the launch) and
 *    (b) random buyers of the similar products (the expected hits: N × their share who bought it), and (c) other
 *    scores of the same customers (RANKINGS);
 *  - the units the top N then bought against the units the audience expected from them (`audience_units`), and the
 *    units all buyers of similar products bought against `buyers_units`.
 * Reads ../shared/data/online-retail/transactions.csv.gz (says so when absent); writes bench/out/audience.json.
 * Options: --workspace DIR (an ingested Online Retail workspace), --top N, --every K.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchAudience } from '../src/pipeline/launch-audience.js';
import { planLaunch } from '../src/pipeline/launch.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { sql } from '../src/store/sql.js';
import { Workspace } from '../src/store/workspace.js';
import { onlineRetailWorkspace } from './or-workspace.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const out = join(repo, 'bench/out');
const { values } = parseArgs({
  options: { workspace: { type: 'string' }, top: { type: 'string' }, every: { type: 'string' } },
});
const TOP = Number(values.top ?? 50);
const EVERY = Number(values.every ?? 4);
const WEEKS = 12;

const workspace = onlineRetailWorkspace('bench:audience', values.workspace);
mkdirSync(out, { recursive: true });
const ws = await Workspace.open(workspace.dir);
const t0 = performance.now();
const launches = await ws.all<{ sku: string; first: string; name: string; price: number; buyers: number }>(sql`
  WITH firsts AS (
    SELECT sku, min(date) AS first FROM order_lines WHERE status = 'sale' GROUP BY sku
    HAVING min(date) BETWEEN '2011-06-01' AND '2011-08-12')
  SELECT f.sku, f.first::VARCHAR AS first, any_value(c.description) AS name,
    arg_min(o.unit_price, (o.ordered_at, o.rid)) AS price,
    count(DISTINCT o.customer_id) FILTER (WHERE o.date < f.first + ${7 * WEEKS}::INTEGER)::INTEGER AS buyers
  FROM firsts f JOIN order_lines o ON o.sku = f.sku AND o.status = 'sale' LEFT JOIN catalog c ON c.sku = f.sku
  GROUP BY f.sku, f.first HAVING buyers >= 5 ORDER BY f.first, f.sku`);
const chosen = launches.filter((_, i) => i % EVERY === 0);
console.error(`${launches.length} launches with ≥ 5 buyers; scoring ${chosen.length}`);

interface Scored {
  sku: string;
  first: string;
  buyers_actual: number;
  similar_buyers: number;
  similar_buyers_who_bought: number;
  /** hits@TOP of each ranking */
  hits: Record<string, number>;
  audience_units_expected: number | null;
  audience_units_actual: number;
  buyers_units_expected: number | null;
  buyers_units_actual: number;
  /** the launch forecast's units over the 12 weeks; the units customers with an id bought; the prior buyers' share */
  forecast_units: number;
  units_actual: number;
  prior_buyer_share: number | null;
}

/** A customer's features for the rankings compared: purchase days in the 12 weeks before and ever, affinity. */
interface Candidate {
  id: string;
  recent: number;
  days: number;
  score: number;
  affinity: number;
  /** BG/NBD: purchases expected over the launch's weeks, and P(alive) (0 for customers outside the audience) */
  expected: number;
  pAlive: number;
}

/** The rankings compared: the product's (`audience`) and simpler ones on the same customers. */
const RANKINGS: Record<string, (c: Candidate) => number> = {
  audience: (c) => c.score,
  most_active: (c) => c.recent + c.days * 1e-6,
  most_active_similar_buyers: (c) => (c.affinity > 0 ? c.recent + c.days * 1e-6 : -1),
  recent_x_affinity: (c) => c.recent * c.affinity,
  recent_x_sqrt_affinity: (c) => c.recent * Math.sqrt(c.affinity),
  alive_recent_and_expected_x_affinity: (c) => c.pAlive * ((c.recent + c.expected) / 2) * c.affinity,
  // the score before this backtest: the BG/NBD's expected purchases × affinity
  expected_x_affinity: (c) => c.expected * c.affinity,
};

const rows: Scored[] = [];
// one view per 7-day block (the workspace as it was before the block's first day), as bench:launch does
const blocks = new Map<string, typeof chosen>();
for (const l of chosen) {
  const d = new Date(`${l.first}T00:00:00Z`);
  const start = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
  blocks.set(start, [...(blocks.get(start) ?? []), l]);
}
for (const [start, list] of blocks) {
  // the shop as it was before the block: its order lines up to then, ingested into a workspace of their own (a
  // scratch view of this workspace would not do: the launch plan reads the history through a connection of its own)
  const dir = mkdtempSync(join(tmpdir(), 'shopcast-audience-'));
  const csv = join(dir, 'order-lines.csv');
  await ws.run(sql`COPY (
      SELECT order_id AS InvoiceNo, sku AS StockCode, description AS Description, quantity AS Quantity,
        strftime(ordered_at, '%Y-%m-%d %H:%M:%S') AS InvoiceDate, unit_price AS UnitPrice, customer_id AS CustomerID,
        country AS Country
      FROM main.raw_order_lines WHERE ordered_at < ${start}::TIMESTAMP ORDER BY file_id, line)
    TO ${csv} (HEADER, DELIMITER ',')`);
  const then = await Workspace.open(join(dir, 'ws'));
  try {
    await ingestFiles(then, [csv]);
    const activity = await then.all<{ c: string; recent: number; days: number }>(sql`
      SELECT customer_id AS c, count(DISTINCT date) FILTER (WHERE date >= ${start}::DATE - ${7 * WEEKS}::INTEGER)
        ::INTEGER AS recent, count(DISTINCT date)::INTEGER AS days
      FROM order_lines WHERE status = 'sale' AND customer_id IS NOT NULL GROUP BY customer_id`);
    for (const l of list) {
      const plan = await planLaunch(then, { name: l.name, price: l.price, date: l.first, weeks: WEEKS });
      if (plan.data_until >= start) throw new Error(`the launch plan saw data from ${plan.data_until}`);
      const audience = await launchAudience(then, plan, 1_000_000);
      const bought = await boughtBy(l);
      const inAudience = new Map(audience.customers.map((c) => [c.customer_id, c]));
      const candidates: Candidate[] = activity.map((a) => ({
        id: a.c,
        recent: a.recent,
        days: a.days,
        score: inAudience.get(a.c)?.score ?? -1,
        affinity: inAudience.get(a.c)?.affinity ?? 0,
        expected: inAudience.get(a.c)?.expected_purchases ?? 0,
        pAlive: inAudience.get(a.c)?.p_alive ?? 0,
      }));
      const hits: Record<string, number> = {};
      for (const [name, rank] of Object.entries(RANKINGS)) {
        const top = [...candidates]
          .sort((a, b) => rank(b) - rank(a) || (a.id < b.id ? -1 : 1))
          .slice(0, TOP)
          .filter((c) => name !== 'audience' || c.score >= 0);
        hits[name] = top.filter((c) => bought.has(c.id)).length;
      }
      const whoBought = audience.customers.filter((c) => bought.has(c.customer_id)).length;
      hits['random_similar_buyers'] =
        audience.customers.length > 0
          ? (Math.min(TOP, audience.customers.length) * whoBought) / audience.customers.length
          : 0;
      const top = audience.customers.slice(0, TOP);
      const units = (cs: { customer_id: string }[]): number =>
        cs.reduce((a, c) => a + (bought.get(c.customer_id) ?? 0), 0);
      const expected = (cs: typeof top): number | null =>
        audience.prior_buyer_share === null ? null : cs.reduce((a, c) => a + (c.expected_units ?? 0), 0);
      const r: Scored = {
        sku: l.sku,
        first: l.first,
        buyers_actual: bought.size,
        similar_buyers: audience.customers.length,
        similar_buyers_who_bought: whoBought,
        hits,
        audience_units_expected: expected(top),
        audience_units_actual: units(top),
        buyers_units_expected: expected(audience.customers),
        buyers_units_actual: units(audience.customers),
        forecast_units: audience.forecast_units,
        units_actual: [...bought.values()].reduce((a, b) => a + b, 0),
        prior_buyer_share: audience.prior_buyer_share,
      };
      rows.push(r);
      console.error(`${l.first} ${l.sku}: ${r.buyers_actual} buyers; hits@${TOP} ${JSON.stringify(hits)}`);
    }
  } finally {
    then.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Who bought the launch in its first 12 weeks, and how many units each (the full data, outside any view). */
async function boughtBy(l: { sku: string; first: string }): Promise<Map<string, number>> {
  const rs = await ws.all<{ c: string; u: number }>(sql`
    SELECT customer_id AS c, sum(quantity)::DOUBLE AS u FROM main.order_lines
    WHERE sku = ${l.sku} AND status = 'sale' AND customer_id IS NOT NULL
      AND date >= ${l.first}::DATE AND date < ${l.first}::DATE + ${7 * WEEKS}::INTEGER
    GROUP BY customer_id`);
  return new Map(rs.map((r) => [r.c, r.u]));
}

const sum = (k: keyof Scored): number =>
  rows.reduce((a, r) => a + (typeof r[k] === 'number' ? (r[k] as number) : 0), 0);
const withUnits = rows.filter((r) => r.audience_units_expected !== null);
const sumOf = (rs: Scored[], k: keyof Scored): number => rs.reduce((a, r) => a + ((r[k] as number | null) ?? 0), 0);
const names = [...Object.keys(RANKINGS), 'random_similar_buyers'];
const summary = {
  launches: rows.length,
  top: TOP,
  buyers_actual: sum('buyers_actual'),
  hits: Object.fromEntries(names.map((n) => [n, Math.round(rows.reduce((a, r) => a + r.hits[n]!, 0) * 10) / 10])),
  precision: Object.fromEntries(
    names.map((n) => [n, Math.round((rows.reduce((a, r) => a + r.hits[n]!, 0) / (rows.length * TOP)) * 1000) / 1000]),
  ),
  launches_with_a_hit: Object.fromEntries(names.map((n) => [n, rows.filter((r) => r.hits[n]! >= 1).length])),
  units: {
    launches: withUnits.length,
    audience_expected: Math.round(sumOf(withUnits, 'audience_units_expected')),
    audience_actual: sumOf(withUnits, 'audience_units_actual'),
    buyers_expected: Math.round(sumOf(withUnits, 'buyers_units_expected')),
    buyers_actual: sumOf(withUnits, 'buyers_units_actual'),
    forecast: Math.round(sumOf(rows, 'forecast_units')),
    bought_by_customers_with_an_id: sumOf(rows, 'units_actual'),
  },
  seconds: Math.round((performance.now() - t0) / 100) / 10,
};
writeFileSync(join(out, 'audience.json'), JSON.stringify({ summary, rows }, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
ws.close();
workspace.cleanup();
