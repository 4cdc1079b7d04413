import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { demandSeries, inspectWorkspace } from '../src/pipeline/inspect.js';
import { mulberry32 } from '../src/numerics/random.js';
import { REPO, day, withWorkspace, writeText } from './helpers.js';
import { sql } from '../src/store/sql.js';

/**
 * A hand-made shop of 49 days from Monday 2024-01-01, in the generic order-line layout.
 * Saturdays have no line at all (closed). SKU A sells 2 units every open day but for a run of 11
 * open days (days 15–27: a stock-out), plus one order of 500 on day 2 (an outlier). SKU B first
 * sells on day 10. SKU C carries the cancellations, returns, duplicates and bad prices. SKU E sells
 * 1 unit every open day, so that the shop is open while A is out of stock.
 */
function handMadeShop(): { text: string; lines: number } {
  const rows: string[] = ['order_id,ordered_at,sku,quantity,unit_price,customer_id,description'];
  const saturday = (d: number): boolean => d % 7 === 5;
  for (let d = 0; d < 49; d++) {
    if (saturday(d)) continue;
    if (!(d >= 15 && d <= 27)) rows.push(`O${d},${day(d)} 10:00,A,2,5.00,c1,Mug`);
    if (d === 10 || d === 20 || d === 30) rows.push(`O${d},${day(d)} 11:00,B,1,8.00,c4,Plate`);
    rows.push(`E${d},${day(d)} 12:00,E,1,1.00,c7,Spoon`);
  }
  rows.push(
    `O2x,${day(2)} 12:00,A,500,5.00,c9,Mug`, // outlier
    `O1c,${day(1)} 09:00,C,4,3.00,c2,Bowl`,
    `O1d,${day(1)} 13:00,C,4,3.00,c2,Bowl`, // the one cancelled (most recent before the cancellation)
    `O1p,${day(1)} 13:00,post,1,15.00,c2,Postage`, // non-product (case-insensitive)
    `C9001,${day(2)} 09:00,C,-4,3.00,c2,Bowl`, // cancels O1d
    `C9002,${day(2)} 09:30,C,-4,3.00,c3,Bowl`, // different customer: matches nothing
    `O3d,${day(3)} 09:00,C,2,3.00,c5,Bowl`,
    `O3d,${day(3)} 09:00,C,2,3.00,c5,Bowl`, // exact duplicate
    `O4r,${day(4)} 09:00,C,-1,3.00,c2,Bowl`, // return
    `O4p,${day(4)} 10:00,C,3,0,c6,Bowl`, // zero price
    `O4n,${day(4)} 10:00,C,1,-2,c6,Bowl`, // negative price
    `O4z,${day(4)} 11:00,C,0,3.00,c6,Bowl`, // zero quantity
  );
  return { text: rows.join('\n') + '\n', lines: rows.length - 1 };
}

test('every cleaning rule is applied and counted on a hand-made shop', async () => {
  await withWorkspace(async (ws, dir) => {
    const shop = handMadeShop();
    const r = await ingestFiles(ws, [writeText(dir, 'orders.csv', shop.text)]);
    assert.equal(r.rows_read, shop.lines);
    assert.equal(r.rows_loaded, shop.lines);
    assert.equal(r.rows_rejected, 0);
    assert.deepEqual(r.cleaning, {
      rejected: 0,
      cancellations: 2,
      cancelled_originals: 1,
      returns: 1,
      non_product: 1,
      duplicates: 1,
      bad_price: 2,
      zero_quantity: 1,
      superseded: 0,
      overlap: 0,
      outliers: 1,
      closed_days: 7 + 6 + 7 + 7, // Saturdays from each SKU's first sale: A, C, E from day 0/1, B from day 10
      // open days without a sale: A its 11 stock-out days; B 39 days − 6 closed − 3 sales; C 48 − 7 − 2
      gaps_filled: 11 + (39 - 6 - 3) + (48 - 7 - 2),
      missing_days: 0,
      stockouts_suspected: 11,
      bundles: 0,
      stockouts_known: 0,
    });

    // Nothing is lost: every line stays in order_lines with its status.
    const statuses = await ws.all(
      sql`SELECT order_id, status FROM order_lines WHERE sku IN ('C', 'post') ORDER BY line`,
    );
    assert.deepEqual(
      statuses.map((s) => `${s['order_id']}:${s['status']}`),
      [
        'O1c:sale',
        'O1d:cancelled_original',
        'O1p:non_product',
        'C9001:cancellation',
        'C9002:cancellation',
        'O3d:sale',
        'O3d:duplicate',
        'O4r:return',
        'O4p:bad_price',
        'O4n:bad_price',
        'O4z:zero_quantity',
      ],
    );
    const pair = await ws.one(sql`SELECT o.order_id AS original, c.order_id AS cancellation
      FROM order_lines o JOIN order_lines c ON c.rid = o.cancelled_by WHERE o.status = 'cancelled_original'`);
    assert.deepEqual(pair, { original: 'O1d', cancellation: 'C9001' });

    // The outlier is capped for forecasting, its raw quantity kept.
    const out = await ws.one(sql`SELECT quantity, demand_quantity FROM order_lines WHERE outlier`);
    assert.equal(out['quantity'], 500);
    assert.equal(out['demand_quantity'], 25); // ceil(exp(ln 2 + 5 × 0.5))
    const a = await demandSeries(ws, 'A', 'day');
    assert.equal(a[2]!.units, 2 + 25);
    const raw = await ws.one(sql`SELECT units_raw FROM daily_demand WHERE sku = 'A' AND date = ${day(2)}::DATE`);
    assert.equal(raw['units_raw'], 502);

    // Closed days are not zero demand; stock-out days are flagged inside A's history only.
    assert.equal(a[5]!.units, null);
    assert.equal(a[5]!.open_days, 0);
    const stockouts = a.filter((p) => p.stockout_days > 0).map((p) => p.period);
    assert.equal(stockouts[0], day(15));
    assert.equal(stockouts.at(-1), day(27));

    // B is filled with zeros only from its first sale on.
    const b = await demandSeries(ws, 'B', 'day');
    assert.equal(b[0]!.period, day(10));
    assert.equal(b[0]!.units, 1);
    assert.equal(b[1]!.units, 0);
    assert.equal(b[1]!.filled, true);

    // Catalog derived from the lines; non-product codes are kept but marked.
    const cat = await ws.all(
      sql`SELECT sku, description, is_product, first_sale::VARCHAR AS first_sale, price_median FROM catalog ORDER BY sku`,
    );
    assert.deepEqual(
      cat.find((c) => c['sku'] === 'B'),
      { sku: 'B', description: 'Plate', is_product: true, first_sale: day(10), price_median: 8 },
    );
    assert.equal(cat.find((c) => c['sku'] === 'post')!['is_product'], false);

    // Weekly series sums open days; the shop's closed Saturday counts as no open day.
    const weeks = await demandSeries(ws, 'A', 'week');
    assert.equal(weeks[0]!.period, day(0));
    assert.equal(weeks[0]!.units, 6 * 2 + 25);
    assert.equal(weeks[0]!.open_days, 6);
  });
});

test('the cleaning rules follow a configuration file', async () => {
  await withWorkspace(async (ws, dir) => {
    const config = writeText(
      dir,
      'cleaning.json',
      JSON.stringify({ outliers: { zScore: 100 }, stockouts: { minRunDays: 20 } }),
    );
    const r = await ingestFiles(ws, [writeText(dir, 'orders.csv', handMadeShop().text)], { configPath: config });
    assert.equal(r.cleaning['outliers'], 0);
    assert.equal(r.cleaning['stockouts_suspected'], 0);
    const bad = writeText(dir, 'bad.json', JSON.stringify({ outliers: { zscore: 3 } }));
    await assert.rejects(
      ingestFiles(ws, [join(dir, 'orders.csv')], { configPath: bad }),
      /unknown setting 'outliers.zscore'/,
    );
  });
});

test('daily sales: the open flag marks closed days, a later file supersedes a day, duplicates are flagged', async () => {
  await withWorkspace(async (ws, dir) => {
    const first = ['sku,date,units,price,promo,open'];
    for (let d = 0; d < 14; d++) first.push(`S1,${day(d)},${d === 6 ? 0 : 10 + d},2.5,${d % 2},${d === 6 ? 0 : 1}`);
    first.push(`S1,${day(3)},13,2.5,1,1`); // exact duplicate of day 3
    const r1 = await ingestFiles(ws, [writeText(dir, 'a.csv', first.join('\n'))]);
    assert.equal(r1.cleaning['duplicates'], 1);
    assert.equal(r1.cleaning['closed_days'], 1);
    const r2 = await ingestFiles(ws, [
      writeText(dir, 'b.csv', `sku,date,units,price,promo,open\nS1,${day(4)},99,2.5,0,1\n`),
    ]);
    assert.equal(r2.rows_new, 1);
    const s = await demandSeries(ws, 'S1', 'day');
    assert.equal(s[4]!.units, 99);
    assert.equal(s[6]!.units, null);
    assert.equal((await inspectWorkspace(ws)).cleaning['superseded'], 1);
  });
});

test('the Rossmann layout loads through a small mapping file', async () => {
  await withWorkspace(async (ws) => {
    const r = await ingestFiles(ws, [join(REPO, 'test/fixtures/rossmann-3-stores.csv')], {
      mapPath: join(REPO, 'examples/rossmann-map.json'),
    });
    assert.equal(r.rows_read, 276);
    assert.equal(r.rows_rejected, 0);
    assert.equal(r.skus, 3);
    assert.equal(r.first_date, '2015-05-01');
    assert.equal(r.last_date, '2015-07-31');
    // Rossmann stores close on Sundays and holidays (Open = 0): closed, not zero demand.
    const closed = await ws.one(sql`SELECT count(*)::INTEGER AS n FROM daily_demand WHERE closed`);
    const zeroOpen = await ws.one(sql`SELECT count(*)::INTEGER AS n FROM raw_daily_sales r
      WHERE NOT open AND date > (SELECT min(date) FROM raw_daily_sales f WHERE f.sku = r.sku AND f.units > 0)`);
    assert.equal(closed['n'], zeroOpen['n']);
    assert.ok((closed['n'] as number) > 30);
  });
});

test('a catalog file adds names, categories and products without sales to the derived catalog', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'orders.csv', handMadeShop().text)]);
    const catalog = [
      'SKU,Name,Category,Price,Launched At',
      'A,Classic mug,Kitchen,5.50,2023-06-01',
      'NEW1,Enamel jug,Kitchen,12,2024-03-01',
      'A,Classic mug 350 ml,Kitchen,5.90,2023-06-01', // a later row for the same SKU wins
    ].join('\n');
    const r = await ingestFiles(ws, [writeText(dir, 'catalog.csv', catalog)]);
    assert.equal(r.files[0]!.layout, 'catalog');
    assert.equal(r.rows_loaded, 3);
    const rows =
      await ws.all(sql`SELECT sku, name, category, list_price, launched_at::VARCHAR AS launched_at, description,
      lines > 0 AS sold, in_catalog_file FROM catalog WHERE sku IN ('A', 'B', 'NEW1') ORDER BY sku`);
    assert.deepEqual(rows, [
      {
        sku: 'A',
        name: 'Classic mug 350 ml',
        category: 'Kitchen',
        list_price: 5.9,
        launched_at: '2023-06-01',
        description: 'Mug',
        sold: true,
        in_catalog_file: true,
      },
      {
        sku: 'B',
        name: null,
        category: null,
        list_price: null,
        launched_at: null,
        description: 'Plate',
        sold: true,
        in_catalog_file: false,
      },
      {
        sku: 'NEW1',
        name: 'Enamel jug',
        category: 'Kitchen',
        list_price: 12,
        launched_at: '2024-03-01',
        description: null,
        sold: false,
        in_catalog_file: true,
      },
    ]);
  });
});

test('closed days are a pattern: a small 24/7 shop has none, its empty days are zero demand', async () => {
  await withWorkspace(async (ws, dir) => {
    // one year of a small shop open every day: on about 44 % of the days nobody orders (160 of 365 in issue #18)
    const rand = mulberry32(18);
    const rows = ['order_id,ordered_at,sku,quantity,unit_price'];
    let empty = 0;
    for (let d = 0; d < 365; d++) {
      if (d > 0 && d < 364 && rand() < 0.44) {
        empty++;
        continue;
      }
      rows.push(`O${d},${day(d)} 10:00,${rand() < 0.5 ? 'A' : 'B'},1,4.00`);
    }
    assert.ok(empty > 140 && empty < 180, `${empty} empty days`);
    const r = await ingestFiles(ws, [writeText(dir, 'orders.csv', rows.join('\n') + '\n')]);
    assert.equal(r.cleaning['closed_days'], 0);
    assert.equal((await ws.one(sql`SELECT count(*)::INTEGER AS n FROM closed_days`))['n'], 0);
    // every day of the shop is open: days without orders sold 0
    const zero = await ws.one(sql`SELECT count(*)::INTEGER AS n FROM daily_demand
      WHERE sku = 'A' AND units = 0 AND date NOT IN (SELECT DISTINCT ordered_at::DATE FROM order_lines)`);
    assert.ok((zero['n'] as number) >= empty - 5, `${zero['n']} zero days of A`);
  });
});

test('daily sums are exact and the same in any order; a hostile magnitude falls back instead of failing', async () => {
  await withWorkspace(async (ws, dir) => {
    // 0.1 + 0.2 + 0.3 in doubles depends on the order; the exact sum is 0.6 whichever order the lines come in
    const lines = ['order_id,ordered_at,sku,quantity,unit_price'];
    for (let d = 0; d < 10; d++) {
      lines.push(`P${d},${day(d)} 09:00:00,A,1,0.1`, `Q${d},${day(d)} 10:00:00,A,1,0.2`);
      lines.push(`R${d},${day(d)} 11:00:00,A,1,0.3`);
    }
    // one line of 1e30 units: far beyond any shop, it must not break the clean
    lines.push(`H1,${day(3)} 12:00:00,HUGE,1e30,1`, `H2,${day(3)} 12:30:00,HUGE,2,1`);
    const r = await ingestFiles(ws, [writeText(dir, 'orders.csv', lines.join('\n') + '\n')]);
    assert.equal(r.rows_rejected, 0);
    const a = await ws.all<{ revenue: number }>(sql`SELECT revenue FROM daily_demand WHERE sku = 'A' ORDER BY date`);
    assert.equal(a.length, 10);
    for (const row of a) assert.equal(row.revenue, 0.6);
    const huge = await ws.one<{ units_raw: number }>(
      sql`SELECT units_raw FROM daily_demand WHERE sku = 'HUGE' AND date = ${day(3)}::DATE`,
    );
    assert.equal(huge.units_raw, 1e30 + 2);
  });
});
