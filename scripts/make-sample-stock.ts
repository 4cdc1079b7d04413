/**
 * Writes the sample shop's stock file (data/sample-shop/stock.csv): made up, for the demo and the
 * tests, since the UCI export has no stock. Deterministic (seeded): each product with sales in the
 * last 8 weeks gets 0–5 weeks of its recent demand on hand, some stock on order, a supplier with a
 * lead time (and for some a spread), unit cost 50–65 % of its median price, and for some an MOQ
 * and a pack size.
 *   npm run build && node dist/scripts/make-sample-stock.js [order-lines file] [stock file]
 */
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { mulberry32 } from '../src/numerics/random.js';

const source = process.argv[2] ?? 'data/sample-shop/order-lines.csv.gz';
const target = process.argv[3] ?? 'data/sample-shop/stock.csv';
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const reader = await conn.runAndReadAll(`
  WITH s AS (SELECT StockCode AS sku, Quantity AS q, UnitPrice AS p, CAST(CAST(InvoiceDate AS TIMESTAMP) AS DATE) AS d
             FROM read_csv('${source}', header = true, all_varchar = true, types = {'Quantity': 'DOUBLE', 'UnitPrice': 'DOUBLE'})
             WHERE NOT starts_with(InvoiceNo, 'C') AND regexp_matches(StockCode, '^[0-9]{5}') AND Quantity > 0 AND UnitPrice > 0)
  SELECT sku, sum(q) FILTER (WHERE d > (SELECT max(d) FROM s) - INTERVAL 56 DAY) / 8 AS weekly, median(p) AS price
  FROM s GROUP BY sku HAVING weekly > 0 ORDER BY sku`);
const rows = reader.getRowObjectsJS() as { sku: string; weekly: number; price: number }[];
conn.closeSync();
db.closeSync();
const u = mulberry32(20111104);
const suppliers = [
  { name: 'Harbour Gifts Ltd', lead: 7, sd: 0 },
  { name: 'Kent Homeware', lead: 5, sd: 1 },
  { name: 'Far East Trading', lead: 21, sd: 4 },
  { name: 'Paper & Co', lead: 10, sd: 2 },
];
const lines = [
  'sku,on_hand,on_order,lead_time_days,lead_time_sd_days,unit_cost,order_cost,holding_rate,moq,pack_size,supplier',
];
for (const r of rows) {
  const sup = suppliers[Math.floor(u() * suppliers.length)]!;
  const onHand = Math.round(r.weekly * 5 * u() ** 1.5);
  const onOrder = u() < 0.25 ? Math.round(r.weekly * (1 + 2 * u())) : 0;
  const pack = u() < 0.5 ? [6, 12, 24][Math.floor(u() * 3)]! : 1;
  const moq = u() < 0.3 ? pack * [2, 4, 10][Math.floor(u() * 3)]! : '';
  const cost = Math.round(r.price * (0.5 + 0.15 * u()) * 100) / 100;
  lines.push([r.sku, onHand, onOrder, sup.lead, sup.sd, cost, 25, '', moq, pack, sup.name].join(','));
}
writeFileSync(target, lines.join('\n') + '\n');
console.log(`${target}: ${rows.length} SKUs`);
