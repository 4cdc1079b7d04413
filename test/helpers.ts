import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Page, chromium } from 'playwright-core';
import { Workspace } from '../src/store/workspace.js';

/** The repository root (tests run from dist/test). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE = join(REPO, 'data/sample-shop/order-lines.csv.gz');
export const BIN = join(REPO, 'bin/shopcast');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'shopcast-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeText(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `fn` with a new workspace in a temporary folder. */
export async function withWorkspace<T>(fn: (ws: Workspace, dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  const ws = await Workspace.open(join(dir, 'ws'), { threads: 2 });
  try {
    return await fn(ws, dir);
  } finally {
    ws.close();
    cleanup();
  }
}

/** Poisson random numbers (Knuth's method, fine for small means) from a uniform source. */
export function poissonSource(uniform: () => number): (mu: number) => number {
  return (mu) => {
    const l = Math.exp(-mu);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= uniform();
    } while (p > l);
    return k - 1;
  };
}

/** ISO date `days` after 2024-01-01 (a Monday). */
export function day(days: number): string {
  const d = new Date(Date.UTC(2024, 0, 1 + days));
  return d.toISOString().slice(0, 10);
}

/** Runs bin/shopcast as a process (UTC), returning its exit code and output. */
export function shopcast(args: string[], cwd?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A fixture of series as `id,values` lines with space-separated values; NaN (not observed) dropped. */
export function readFixtureSeries(file: string): Map<string, Float64Array> {
  return new Map(
    readFileSync(join(REPO, file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const [id, values] = l.split(',');
        return [id!, Float64Array.from(values!.split(' ').map(Number).filter((v) => !Number.isNaN(v)))] as const;
      }),
  );
}

/** Every actual value within a relative error `rel` of R's. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = Math.abs(actual[i]! - e) / Math.max(1e-12, Math.abs(e));
    assert.ok(d <= rel, `${what}[${i}]: ${actual[i]} vs R ${e} (relative error ${d.toExponential(2)} > ${rel})`);
  }
}

/** Debian's Chromium, which the report tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens a 1200 px page in headless Chromium, runs `fn` with it and the console and page errors
 * seen so far, and closes the browser. Without Chromium the test is skipped — or fails under
 * CI=true, where .ci/run installs it.
 */
export async function withChromiumPage(t: TestContext, fn: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI'] === 'true') assert.fail(`${CHROMIUM} is missing: CI must install Debian chromium: apt-get install chromium`);
    t.skip('install Debian chromium (apt-get install chromium) to check the rendered report');
    return;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await fn(page, errors);
  } finally {
    await browser.close();
  }
}
