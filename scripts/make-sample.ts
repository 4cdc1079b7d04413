/**
 * Regenerates the bundled sample shop from the full UCI Online Retail file:
 *   npm run build && node dist/scripts/make-sample.js ../shared/data/online-retail/transactions.csv.gz
 * It keeps every line (sales, cancellations, returns) of 300 products — the 100 with the most
 * revenue and 200 more picked by a fixed hash of their stock code — plus every non-product line
 * (postage, fees, adjustments), copied byte for byte, so the sample has each cleaning case.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';

const source = process.argv[2] ?? '../shared/data/online-retail/transactions.csv.gz';
const target = process.argv[3] ?? 'data/sample-shop/order-lines.csv.gz';

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const reader = await conn.runAndReadAll(`
  WITH t AS (SELECT StockCode AS sku, sum(Quantity * UnitPrice) AS revenue FROM read_csv('${source}', header = true)
             WHERE NOT starts_with(InvoiceNo, 'C') GROUP BY sku),
  products AS (SELECT * FROM t WHERE regexp_matches(sku, '^[0-9]{5}')),
  top AS (SELECT sku FROM products ORDER BY revenue DESC, sku LIMIT 100),
  rest AS (SELECT sku FROM products WHERE sku NOT IN (SELECT sku FROM top) ORDER BY md5(sku) LIMIT 200)
  SELECT sku FROM top UNION ALL SELECT sku FROM rest
  UNION ALL SELECT DISTINCT StockCode FROM read_csv('${source}', header = true) WHERE NOT regexp_matches(StockCode, '^[0-9]{5}')`);
const keep = new Set(reader.getRowsJS().map((r) => String(r[0])));
conn.closeSync();
db.closeSync();

let kept = 0;
async function* lines(): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(source).pipe(createGunzip()), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    // StockCode is the second field and is never quoted in this file.
    if (first || keep.has(line.split(',', 2)[1]!)) {
      kept++;
      yield line + '\n';
    }
    first = false;
  }
}
await pipeline(Readable.from(lines()), createGzip({ level: 9 }), createWriteStream(target));
console.log(`${target}: ${kept - 1} lines of ${keep.size} stock codes`);
