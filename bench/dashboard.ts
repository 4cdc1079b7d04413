/**
 * `npm run bench:dashboard` — the dashboard's speed (issue #20's benchmark) on the full Online Retail workspace, in
 * headless Debian Chromium (playwright-core) against `shopcast serve` on loopback:
 * - Today and Products: from navigation start to "interactive" — the page's data rendered (the page's root carries
 *   `data-ready`) — read from the page's own clock (`performance.now()`, whose origin is the navigation start),
 *   with Chromium's navigation timing (domInteractive, domContentLoaded) beside it; the first load (empty cache)
 *   and the median of later loads;
 * - a product page: opened from the Products table (the app's own navigation: click → chart drawn with data) and
 *   loaded directly by URL;
 * - a launch plan: POST /launches through the API, first call (trains the launch model) and later ones;
 * - the JavaScript shipped: every chunk in dist/web/assets, gzipped (level 9), total and the first page's share.
 * The 100,000-row table's interactions are measured by bench/dashboard-table.ts.
 *
 * The workspace (all of Online Retail, ingested and planned with the CLI, `--memory-limit 1GB`) is cached in
 * bench/out/dashboard-ws (`--fresh` rebuilds it); each run serves a copy. Writes bench/out/dashboard.json.
 *
 *   npm run bench:dashboard -- [--runs 5] [--fresh]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ONLINE_RETAIL } from './or-workspace.js';
import { benchServeArgs, startServeProcess } from './serve-process.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    fresh: { type: 'boolean', default: false },
    // page times only (the launch model's first training on this workspace takes minutes)
    'no-launch': { type: 'boolean', default: false },
    'memory-limit': { type: 'string', default: '1GB' },
  },
});
const runs = Number(values.runs);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const shopcast = join(repo, 'bin/shopcast');
const out = join(repo, 'bench/out');
const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  console.log(`bench:dashboard: ${CHROMIUM} is absent (apt-get install chromium); nothing measured`);
  process.exit(0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number): string => `${Math.round(x)} ms`;

function run(args: string[], what: string): string {
  const r = spawnSync(process.execPath, [shopcast, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench:dashboard: ${what} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// ---- the JavaScript shipped ----
const assets = join(repo, 'dist/web/assets');
const index = readFileSync(join(repo, 'dist/web/index.html'), 'utf8');
const chunks = readdirSync(assets)
  .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
  .map((f) => {
    const raw = readFileSync(join(assets, f));
    return { file: f, bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  });
const js = chunks.filter((c) => c.file.endsWith('.js'));
const entry = js.filter((c) => index.includes(c.file));
const size = {
  js_gzip_kb: js.reduce((s, c) => s + c.gzip, 0) / 1024,
  js_raw_kb: js.reduce((s, c) => s + c.bytes, 0) / 1024,
  entry_gzip_kb: entry.reduce((s, c) => s + c.gzip, 0) / 1024,
  css_gzip_kb: chunks.filter((c) => c.file.endsWith('.css')).reduce((s, c) => s + c.gzip, 0) / 1024,
  chunks: js.map((c) => ({ file: c.file, gzip_kb: +(c.gzip / 1024).toFixed(1) })),
};
console.log(
  `bench:dashboard: JavaScript shipped ${size.js_gzip_kb.toFixed(1)} kB gzipped in ${js.length} chunks ` +
    `(${size.js_raw_kb.toFixed(0)} kB raw; the entry ${size.entry_gzip_kb.toFixed(1)} kB), CSS ${size.css_gzip_kb.toFixed(1)} kB`,
);

// ---- the workspace (cached) ----
if (!existsSync(ONLINE_RETAIL) && !existsSync(join(out, 'dashboard-ws', 'plan'))) {
  console.log(`bench:dashboard: ${ONLINE_RETAIL} is absent; page times not measured`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });
const cached = join(out, 'dashboard-ws');
if (values.fresh) rmSync(cached, { recursive: true, force: true });
if (!existsSync(join(cached, 'plan'))) {
  console.log(`bench:dashboard: preparing the workspace (all of Online Retail: ingest + plan) in ${cached}`);
  const t0 = performance.now();
  const tmp = `${cached}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  run(
    [
      'plan',
      ONLINE_RETAIL,
      '--workspace',
      tmp,
      '--out',
      join(tmp, 'plan'),
      '--currency',
      'GBP',
      '--memory-limit',
      values['memory-limit'],
    ],
    'plan',
  );
  cpSync(tmp, cached, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  console.log(`  prepared in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const ws = mkdtempSync(join(tmpdir(), 'shopcast-bench-dashboard-'));
cpSync(cached, ws, { recursive: true });
const token = (
  JSON.parse(run(['keys', 'create', '--name', 'bench', '--scope', 'admin', '--workspace', ws, '--json'], 'keys')) as {
    token: string;
  }
).token;

// ---- the server ----
const { server, url } = await startServeProcess(
  'bench:dashboard',
  benchServeArgs({ shopcast, workspace: ws, logLevel: 'warn', memoryLimit: values['memory-limit']! }),
);
const auth = { authorization: `Bearer ${token}` };
console.log(
  `  server ${url}, workspace copy ${ws}; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

// ---- a launch plan through the API (first: the server trains the launch model in the background at start-up; the
// first call waits for it, and the pages are then timed on a server at rest) ----
const launchMs: number[] = [];
for (let i = 0; i < (values['no-launch'] ? 0 : runs + 1); i++) {
  const t0 = performance.now();
  const r = await fetch(`${url}/launches`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: ['RED RETROSPOT LUNCH BAG', 'WHITE HANGING HEART LANTERN', 'VINTAGE CHRISTMAS MUG'][i % 3],
      description: 'a new product like the shop sells',
      price: 2.95 + i,
      category: 'kitchen',
    }),
  });
  if (!r.ok) throw new Error(`bench:dashboard: POST /launches ${r.status}: ${await r.text()}`);
  await r.json();
  launchMs.push(performance.now() - t0);
}
const launch = {
  first_ms: launchMs[0] ?? NaN,
  median_ms: median(launchMs.slice(1)),
  max_ms: Math.max(...launchMs.slice(1)),
};
console.log(`  launch   first ${ms(launch.first_ms)}, then median ${ms(launch.median_ms)} (max ${ms(launch.max_ms)})`);

// ---- the answers the pages wait for (server time as the client sees it, first call and median of later ones) ----
async function timeGet(path: string): Promise<{ first_ms: number; median_ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url}${path}`, { headers: auth });
    bytes = (await r.arrayBuffer()).byteLength;
    if (!r.ok) throw new Error(`bench:dashboard: GET ${path}: ${r.status}`);
    times.push(performance.now() - t0);
  }
  const t = { first_ms: times[0]!, median_ms: median(times.slice(1)), bytes };
  console.log(
    `  GET ${path}: first ${ms(t.first_ms)}, then median ${ms(t.median_ms)}; ${(bytes / 1024).toFixed(0)} kB`,
  );
  return t;
}
const apiTimes = {
  summary: await timeGet('/summary'),
  table: await timeGet('/skus/table'),
  sku: await timeGet('/skus/22423'),
};

// ---- the pages ----
const browser: Browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await context.addInitScript(`sessionStorage.setItem('shopcast.key', ${JSON.stringify(token)})`);
const errors: string[] = [];

interface Load {
  ready_ms: number;
  dom_interactive_ms: number;
  dom_content_loaded_ms: number;
}

/** Loads `path` in a new tab and times it until `[data-page=name][data-ready]` is there. */
async function load(path: string, name: string): Promise<Load> {
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(`${path}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  await page.goto(`${url}${path}`);
  await page.waitForSelector(`[data-page="${name}"][data-ready]`, { timeout: 60_000 });
  const t = (await page.evaluate(`(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { ready_ms: performance.now(), dom_interactive_ms: n.domInteractive, dom_content_loaded_ms: n.domContentLoadedEventEnd };
  })()`)) as Load;
  await page.close();
  return t;
}

async function pageTimes(path: string, name: string) {
  const first = await load(path, name);
  const later: Load[] = [];
  for (let i = 0; i < runs; i++) later.push(await load(path, name));
  const r = {
    first_ms: first.ready_ms,
    median_ms: median(later.map((l) => l.ready_ms)),
    max_ms: Math.max(...later.map((l) => l.ready_ms)),
    dom_interactive_ms: median(later.map((l) => l.dom_interactive_ms)),
  };
  console.log(
    `  ${name.padEnd(8)} ready: first ${ms(r.first_ms)}, then median ${ms(r.median_ms)} (max ${ms(r.max_ms)}); ` +
      `DOM interactive ${ms(r.dom_interactive_ms)}`,
  );
  return r;
}

const today = await pageTimes('/', 'today');
const products = await pageTimes('/products', 'products');

// a product opened from the table (the app's navigation) and by its URL
const top = (await (
  await fetch(`${url}/skus?sort=revenue&order=desc&limit=${runs + 1}`, { headers: auth })
).json()) as {
  items: { sku: string }[];
};
const fromTable: number[] = [];
for (const { sku } of top.items.slice(0, runs + 1)) {
  const page: Page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`product: ${e.message}`));
  await page.goto(`${url}/products?q=${encodeURIComponent(sku)}`);
  await page.waitForSelector('[data-page="products"][data-ready]', { timeout: 60_000 });
  const link = page.locator(`a[href="/products/${encodeURIComponent(sku)}"]`).first();
  await link.waitFor();
  const t0 = (await page.evaluate('performance.now()')) as number;
  await link.click();
  await page.waitForSelector('[data-page="product"][data-ready]', { timeout: 60_000 });
  fromTable.push(((await page.evaluate('performance.now()')) as number) - t0);
  await page.close();
}
const productNav = {
  first_ms: fromTable[0]!,
  median_ms: median(fromTable.slice(1)),
  max_ms: Math.max(...fromTable.slice(1)),
};
console.log(
  `  product  from the table: first ${ms(productNav.first_ms)}, then median ${ms(productNav.median_ms)} ` +
    `(max ${ms(productNav.max_ms)})`,
);
const productUrl = await pageTimes(`/products/${encodeURIComponent(top.items[0]!.sku)}`, 'product');

await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(ws, { recursive: true, force: true });
if (errors.length > 0) console.log(`  console errors: ${errors.slice(0, 10).join(' | ')}`);
const result = {
  at: new Date().toISOString(),
  load_average: loadavg(),
  runs,
  size,
  today,
  products,
  product_from_table: productNav,
  product_by_url: productUrl,
  launch,
  api: apiTimes,
  console_errors: errors.length,
};
writeFileSync(join(out, 'dashboard.json'), JSON.stringify(result, null, 2));
console.log(
  `bench:dashboard: Today ${ms(today.median_ms)} and Products ${ms(products.median_ms)} (target < 1,500 ms); ` +
    `product ${ms(productNav.median_ms)} from the table (target < 500 ms); launch ${ms(launch.median_ms)} ` +
    `(target < 5,000 ms); JS ${size.js_gzip_kb.toFixed(0)} kB gzipped (target < 400 kB)`,
);
