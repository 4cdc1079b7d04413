/** Slices of the sample shop for the service's end-to-end tests (uploads, crash tests). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO } from './helpers.js';
import { csvFields, sampleShopLines } from './order-batch-fixture.js';

const STOCK = join(REPO, 'data/sample-shop/stock.csv');

export interface ShopSlice {
  /** the order lines file (.csv.gz) and the stock file written */
  orders: string;
  stock: string;
  /** the slice's SKUs, sorted */
  skus: string[];
  /** on-hand by SKU, from the stock file */
  onHand: Map<string, number>;
  /** the last day of the slice's sales */
  lastDay: string;
}

/**
 * A slice of the sample shop written into `dir`: the orders of the `n` SKUs with the most order lines among those the stock file gives a
 * supplier (as .csv.gz), and their rows of the stock file.
 */
export function sampleSlice(dir: string, n: number): ShopSlice {
  const stockLines = readFileSync(STOCK, 'utf8').replace(/\n$/, '').split('\n');
  const stockHead = stockLines[0]!.split(',');
  const supplierCol = stockHead.indexOf('supplier');
  const withSupplier = new Map<string, string>();
  for (const l of stockLines.slice(1)) {
    const f = csvFields(l);
    if ((f[supplierCol] ?? '') !== '') withSupplier.set(f[0]!, l);
  }
  const lines = sampleShopLines();
  const count = new Map<string, number>();
  for (const l of lines.slice(1)) {
    const sku = csvFields(l)[1]!;
    if (withSupplier.has(sku)) count.set(sku, (count.get(sku) ?? 0) + 1);
  }
  const skus = [...count.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([s]) => s)
    .sort();
  const keep = new Set(skus);
  const rows = lines.slice(1).filter((l) => keep.has(csvFields(l)[1]!));
  const orders = join(dir, 'orders-30-skus.csv.gz');
  writeFileSync(orders, gzipSync([lines[0], ...rows].join('\n') + '\n'));
  const stock = join(dir, 'stock-30-skus.csv');
  writeFileSync(stock, [stockLines[0], ...skus.map((s) => withSupplier.get(s)!)].join('\n') + '\n');
  const onHand = new Map(skus.map((s) => [s, Number(csvFields(withSupplier.get(s)!)[1])]));
  const lastDay = rows
    .map((l) => /,(\d{4}-\d{2}-\d{2}) /.exec(l)![1]!)
    .sort()
    .at(-1)!;
  return { orders, stock, skus, onHand, lastDay };
}
