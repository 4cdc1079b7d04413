/**
 * The dashboard's browser tests (issue #20): a real server on 127.0.0.1 port 0 over a planned slice of the sample
 * shop, and headless Debian Chromium driven by playwright-core. Every page a test opens records its console errors
 * and page errors (`expectNoErrors` fails on any), and `shot` saves a screenshot into test-artifacts/ (kept as an
 * artifact, never compared pixel by pixel).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { createApiKey } from '../src/pipeline/keys.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { type ServerOptions, type ShopServer, createServer } from '../src/server/create-server.js';
import { Workspace } from '../src/store/workspace.js';
import { CHROMIUM } from './chromium.js';
import { REPO, tempDir } from './helpers.js';
import { type ShopSlice, sampleSlice } from './serve-fixture.js';

/** Where the tests' screenshots go (git-ignored). */
export const ARTIFACTS = join(REPO, 'test-artifacts');

export interface Dashboard {
  url: string;
  /** the workspace folder */
  dir: string;
  server: ShopServer;
  slice: ShopSlice;
  tokens: { read: string; write: string; admin: string };
  browser: Browser;
  /** `fetch` relative to the server with a key (admin unless `as` says otherwise) */
  call: (path: string, init?: RequestInit & { as?: 'read' | 'write' | 'admin' }) => Promise<Response>;
  /** a new page of the given width (default 1,280 px), not logged in; its errors are collected */
  open: (o?: { width?: number; height?: number }) => Promise<Page>;
  /** a new page logged in with a key (admin unless `as` says otherwise), at `path` */
  loggedIn: (path?: string, o?: { width?: number; height?: number; as?: 'read' | 'write' | 'admin' }) => Promise<Page>;
  /** the console and page errors a page produced */
  errors: (page: Page) => string[];
  /** fails the test if the page logged an error */
  expectNoErrors: (page: Page) => void;
  /** saves test-artifacts/<name>.png */
  shot: (page: Page, name: string) => Promise<void>;
  stop: () => Promise<void>;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core finding: the rule, its impact and the elements it names. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now (WCAG 2.1 A/AA rules).
 * axe runs through the DevTools protocol, so the page's CSP (no inline scripts) does not stop it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const found =
    (await page.evaluate(`window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))`)) as AxeViolation[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One live order line as the tests post it (the rest of the line is a plain UK retail sale). */
export interface TestLine {
  order_id: string;
  ordered_at: string;
  sku: string;
  quantity: number;
}

/** Posts one order line through the API with a write key; fails the test unless the service stores it (200). */
export async function postOrderLine(d: Dashboard, line: TestLine): Promise<void> {
  const r = await d.call('/order-lines', {
    method: 'POST',
    as: 'write',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      lines: [{ ...line, unit_price: 2.5, customer_id: '17850', country: 'United Kingdom' }],
    }),
  });
  assert.equal(r.status, 200, await r.text());
}

/** True when the browser tests can run; skips the test (or fails it under CI=true, where .ci/run installs Chromium). */
export function chromiumOrSkip(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true')
    assert.fail(`${CHROMIUM} is missing: CI must install Debian chromium: apt-get install chromium`);
  t.skip('install Debian chromium (apt-get install chromium) to run the dashboard tests');
  return false;
}

/**
 * A planned workspace of the `skus` SKUs of the sample shop with the most order lines (ingested, planned with a
 * 28-day horizon in GBP), keys of each scope, the server on it and a browser.
 */
export async function startDashboard(
  o: {
    skus?: number;
    server?: Omit<ServerOptions, 'workspace'>;
    /** the shop's files, written into the given folder (default: a slice of the sample shop, `skus` products) */
    files?: (dir: string) => Promise<string[]>;
  } = {},
): Promise<Dashboard> {
  const { dir: tmp, cleanup } = tempDir();
  const dir = join(tmp, 'ws');
  const files = o.files === undefined ? undefined : await o.files(tmp);
  const slice = files === undefined ? sampleSlice(tmp, o.skus ?? 30) : undefined;
  const ws = await Workspace.open(dir, { threads: 1 });
  let tokens: Dashboard['tokens'];
  try {
    await ingestFiles(ws, files ?? [slice!.orders, slice!.stock]);
    await planWorkspace(ws, { horizon: 28, currency: 'GBP', out: join(tmp, 'plan'), threads: 1 });
    tokens = {
      read: (await createApiKey(ws, { name: 'reader', scope: 'read' })).token,
      write: (await createApiKey(ws, { name: 'planner', scope: 'write' })).token,
      admin: (await createApiKey(ws, { name: 'admin', scope: 'admin' })).token,
    };
  } finally {
    ws.close();
  }
  const server = await createServer({ workspace: dir, port: 0, workspaceOptions: { threads: 1 }, ...o.server });
  const url = await server.listen();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const errs = new WeakMap<Page, string[]>();
  const open: Dashboard['open'] = async (p = {}) => {
    const page = await browser.newPage({ viewport: { width: p.width ?? 1280, height: p.height ?? 900 } });
    const list: string[] = [];
    errs.set(page, list);
    page.on('console', (m) => {
      if (m.type() === 'error') list.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => list.push(e.message));
    return page;
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  let stopped = false;
  return {
    url,
    dir,
    server,
    get slice(): ShopSlice {
      if (slice === undefined) throw new Error('startDashboard: started with files of its own, not the sample slice');
      return slice;
    },
    tokens,
    browser,
    call: (path, init = {}) => {
      const { as = 'admin', ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${tokens[as]}`);
      return fetch(`${url}${path}`, { ...rest, headers });
    },
    open,
    loggedIn: async (path = '/', p = {}) => {
      const page = await open(p);
      // the key as the login page keeps it (sessionStorage), set before any page script runs
      await page.addInitScript(`sessionStorage.setItem('shopcast.key', ${JSON.stringify(tokens[p.as ?? 'admin'])})`);
      await page.goto(`${url}${path}`);
      return page;
    },
    errors: (page) => errs.get(page) ?? [],
    expectNoErrors: (page) => assert.deepEqual(errs.get(page) ?? [], [], 'console or page errors'),
    shot: async (page, name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await browser.close();
      await server.close();
      cleanup();
    },
  };
}
