/** Headless Debian Chromium for the end-to-end report tests (kept apart so unit tests never load playwright-core). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { type Page, chromium } from 'playwright-core';

/** Debian's Chromium, which the report tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens a 1200 px page in headless Chromium, runs `fn` with it and the console and page errors
 * seen so far, and closes the browser. Without Chromium the test is skipped — or fails under
 * CI=true, where .ci/run installs it.
 */
export async function withChromiumPage(
  t: TestContext,
  fn: (page: Page, errors: string[]) => Promise<void>,
): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI'] === 'true')
      assert.fail(`${CHROMIUM} is missing: CI must install Debian chromium: apt-get install chromium`);
    t.skip('install Debian chromium (apt-get install chromium) to check the rendered report');
    return;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
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
