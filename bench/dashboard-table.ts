/**
 * The product table at 100,000 SKUs (issue #20: "on a 100,000-SKU workspace the product table scrolls and filters in
 * < 100 ms per interaction"). Headless Debian Chromium opens the built dashboard (dist/web, `npm run build` first)
 * with every request answered by playwright's `page.route`: the app's files from dist/web, and a synthetic GET
 * /skus/table of `--skus` rows (seeded, so every run sees the same table), GET /summary and GET /skus/sparklines.
 * No service runs: this times the browser's side only.
 *
 * Each interaction is timed inside the page with performance.now(), from just before the state change (a select's
 * change event, a typed search, a header's sort button, a scroll) until the frame that shows it has been produced
 * (a requestAnimationFrame callback, then a task after it); `noop` times the same wait around no change at all (the
 * floor every figure includes). Prints the medians (and p90, max) per kind, with the machine's load average, and
 * writes bench/out/dashboard-table.json.
 *
 *   node dist/bench/dashboard-table.js [--skus 100000] [--reps 15]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Page, type Route, chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '15' },
  },
});
const N = Number(values.skus);
const REPS = Number(values.reps);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(REPO, 'dist/web');
const OUT = join(REPO, 'bench/out');
const ORIGIN = 'http://bench.shopcast.test';
const CHROMIUM = '/usr/bin/chromium';

/** mulberry32 (Tommy Ettinger's 32-bit generator): a small seeded uniform source, so the table is the same each run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'red blue green white pink vintage heart lantern bag jumbo lunch set mug candle holder tin box card paper ' +
  'cake stand glass spotty bunting retro christmas star light wooden frame sign garden kitchen'
).split(' ');
const STAGES = ['launch', 'growth', 'maturity', 'decline', 'end_of_life', 'intermittent'];
const ALERTS = ['stockout', 'tracking_signal', 'coverage', 'drift', 'anomaly'];

/** A synthetic GET /skus/table answer of `n` SKUs (columns as the service sends them). */
function syntheticTable(n: number): string {
  const r = mulberry32(20_26);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const suppliers = Array.from({ length: 60 }, (_, i) => `Supplier ${String(i + 1).padStart(2, '0')}`);
  const c = {
    sku: [] as string[],
    description: [] as (string | null)[],
    abc: [] as (string | null)[],
    xyz: [] as (string | null)[],
    stage: [] as (string | null)[],
    supplier: [] as (string | null)[],
    alert: [] as (string | null)[],
    risk: [] as number[],
    days_of_stock: [] as (number | null)[],
    revenue: [] as number[],
    forecast_change: [] as (number | null)[],
    forecast_30d: [] as number[],
    order_units: [] as (number | null)[],
  };
  for (let i = 0; i < n; i++) {
    c.sku.push(`SKU-${String(i).padStart(6, '0')}`);
    c.description.push(r() < 0.02 ? null : `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`.toUpperCase());
    const revenue = Math.round(Math.exp(4 + 3 * r() + 2 * r()) * 100) / 100;
    c.revenue.push(revenue);
    c.abc.push(revenue > 8000 ? 'A' : revenue > 1500 ? 'B' : 'C');
    c.xyz.push(pick(['X', 'Y', 'Z']));
    c.stage.push(r() < 0.05 ? null : pick(STAGES));
    c.supplier.push(r() < 0.03 ? null : pick(suppliers));
    c.alert.push(r() < 0.12 ? pick(ALERTS) : null);
    c.risk.push(r() < 0.3 ? 0 : Math.round(r() * 1000) / 1000);
    c.days_of_stock.push(r() < 0.05 ? null : Math.round(r() * 400 * 10) / 10);
    c.forecast_change.push(r() < 0.1 ? null : Math.round((r() - 0.5) * 1000) / 1000);
    c.forecast_30d.push(Math.round(r() * 3000));
    c.order_units.push(r() < 0.4 ? null : Math.round(r() * 500));
  }
  return JSON.stringify({ as_of: '2011-12-09', count: n, columns: c });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function serveFile(route: Route, path: string): Promise<void> {
  const file = normalize(join(WEB, path));
  if (!file.startsWith(WEB)) return route.fulfill({ status: 404, body: '' });
  try {
    const body = readFileSync(file);
    return route.fulfill({ status: 200, body, contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
  } catch {
    return route.fulfill({ status: 404, body: '' });
  }
}

const json = (route: Route, body: string, headers: Record<string, string> = {}) =>
  route.fulfill({ status: 200, body, contentType: 'application/json; charset=utf-8', headers });

interface Stats {
  n: number;
  median: number;
  p90: number;
  max: number;
}
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p90: q(0.9), max: s[s.length - 1]! };
}

/** In the page: runs `act`, then waits for the next frame to be produced; the milliseconds in between. */
const FRAME = `() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`;

async function timeIt(page: Page, act: string): Promise<number> {
  return (await page.evaluate(`(async () => {
    const frame = ${FRAME};
    await frame();
    const t0 = performance.now();
    ${act}
    await frame();
    return performance.now() - t0;
  })()`)) as number;
}

const setSelect = (label: string, value: string) =>
  `{ const el = [...document.querySelectorAll('label')].find((l) => l.textContent === ${JSON.stringify(label)});
     const s = document.getElementById(el.htmlFor); s.value = ${JSON.stringify(value)};
     s.dispatchEvent(new Event('change', { bubbles: true })); }`;

async function main(): Promise<void> {
  const tableJson = syntheticTable(N);
  const summary = JSON.stringify({ as_of: '2011-12-09', currency: 'GBP', locale: 'en-GB' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      const p = url.pathname;
      if (p === '/skus/table') return json(route, tableJson, { etag: '"tbench"' });
      if (p === '/summary') return json(route, summary);
      if (p === '/skus/sparklines') {
        const skus = (
          url.searchParams.getAll('skus').length > 1
            ? url.searchParams.getAll('skus')
            : [...(url.searchParams.get('skus') ?? '').split(',')]
        ) as string[];
        const r = mulberry32(skus.length);
        const series = Object.fromEntries(skus.map((s) => [s, Array.from({ length: 26 }, () => Math.round(r() * 50))]));
        return json(route, JSON.stringify({ weeks: [], series }));
      }
      if (p === '/events/ticket') return route.fulfill({ status: 503, body: '{}' });
      if (p.startsWith('/assets/')) return serveFile(route, p);
      return serveFile(route, 'index.html');
    });
    await page.addInitScript(`sessionStorage.setItem('shopcast.key', 'sc_bench')`);

    const t0 = Date.now();
    await page.goto(`${ORIGIN}/products`);
    await page.locator('[data-testid="products-count"]').waitFor({ timeout: 120_000 });
    const load = Date.now() - t0;
    const domRows = await page.locator('.products-table tbody tr[data-sku]').count();

    const times: Record<string, number[]> = { noop: [], filter: [], search: [], sort: [], scroll: [] };
    const filters: [string, string][] = [
      ['ABC class', 'A'],
      ['ABC class', 'B'],
      ['XYZ class', 'Z'],
      ['Stage', 'decline'],
      ['Supplier', 'Supplier 07'],
      ['Alert', '*'],
      ['Alert', 'stockout'],
    ];
    const sorts = ['days_of_stock', 'revenue', 'forecast_change', 'sku', 'risk', 'forecast_30d'];
    const words = ['red', 'lantern', 'sku-0123', 'heart mug', 'x'];
    const clear = `[...document.querySelectorAll('button')].find((b) => b.textContent === 'Clear filters').click();`;
    for (let rep = 0; rep < REPS; rep++) {
      // the floor: nothing changes, only the wait for the next frame
      times['noop']!.push(await timeIt(page, ''));
      const [label, value] = filters[rep % filters.length]!;
      times['filter']!.push(await timeIt(page, setSelect(label, value)));
      times['filter']!.push(await timeIt(page, clear));
      const word = words[rep % words.length]!;
      times['search']!.push(
        await timeIt(
          page,
          `{ const i = document.getElementById('products-q'); i.value = ${JSON.stringify(word)};
             i.dispatchEvent(new Event('input', { bubbles: true })); }`,
        ),
      );
      times['search']!.push(
        await timeIt(
          page,
          `{ const i = document.getElementById('products-q'); i.value = '';
             i.dispatchEvent(new Event('input', { bubbles: true })); }`,
        ),
      );
      await page.waitForTimeout(300); // the search's URL update settles
      const key = sorts[rep % sorts.length]!;
      times['sort']!.push(await timeIt(page, `document.querySelector('button[data-sort="${key}"]').click();`));
      // scroll to a random place: timed until the rows of that place are in the DOM and drawn
      const y = Math.floor((((rep * 7919) % 97) / 97) * (N * 40 - 2000));
      times['scroll']!.push(
        (await page.evaluate(`(async () => {
          const frame = ${FRAME};
          const el = document.querySelector('[data-testid="products-scroll"]');
          await frame();
          const t0 = performance.now();
          el.scrollTop = ${y};
          const want = Math.floor(el.scrollTop / 40) + 2;
          for (let i = 0; i < 60; i++) {
            await new Promise((r) => requestAnimationFrame(r));
            const idx = [...el.querySelectorAll('tr[aria-rowindex]')].map((r) => Number(r.getAttribute('aria-rowindex')));
            if (idx.some((x) => x >= want) && idx.some((x) => x <= want + 1)) break;
          }
          await frame();
          return performance.now() - t0;
        })()`)) as number,
      );
    }
    const shown = await page.getAttribute('[data-testid="products-count"] [data-total]', 'data-total');
    const result = {
      skus: N,
      table_json_bytes: Buffer.byteLength(tableJson),
      table_json_gzip_bytes: gzipSync(tableJson).length,
      load_to_table_ms: load,
      rows_in_dom: domRows,
      total_shown: Number(shown),
      interactions_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)])),
      page_errors: errors,
      load_average: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
    };
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'dashboard-table.json'), JSON.stringify(result, null, 2));
    const f = (x: number) => x.toFixed(1);
    console.log(
      `product table, ${N.toLocaleString('en')} SKUs (synthetic GET /skus/table: ` +
        `${(result.table_json_bytes / 1e6).toFixed(1)} MB JSON, ${(result.table_json_gzip_bytes / 1e6).toFixed(1)} MB gzipped)`,
    );
    console.log(`  load to table shown: ${load} ms; rows in the DOM: ${domRows}; load average ${result.load_average}`);
    for (const [k, s] of Object.entries(result.interactions_ms))
      console.log(`  ${k.padEnd(7)} median ${f(s.median)} ms  p90 ${f(s.p90)} ms  max ${f(s.max)} ms  (n=${s.n})`);
    if (errors.length > 0) console.log(`  page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
}

await main();
