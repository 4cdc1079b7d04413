// The dashboard's shell in a real browser: served at / by the service with caching headers and a CSP, a login with a
// key (a wrong key refused), every page reachable by its URL with back and forward, the 375 px layout without
// horizontal scroll, and the theme switch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Dashboard, axeViolations, chromiumOrSkip, startDashboard } from './dashboard-harness.js';

describe('the dashboard shell', () => {
  let d: Dashboard | null = null;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 12 });
  });
  after(async () => d?.stop());

  it('serves the app at / without a key, with caching headers and a CSP; the API still needs a key', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await fetch(`${d.url}/products/ABC%2F1`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, html);
    const js = await fetch(`${d.url}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    const trick = await fetch(`${d.url}/assets/..%2F..%2Fpackage.json`);
    assert.ok([403, 404].includes(trick.status), String(trick.status));
    assert.doesNotMatch(await trick.text(), /"devDependencies"/);
    assert.equal((await fetch(`${d.url}/skus`)).status, 401);
  });

  it('logs in with a key, refuses a wrong one, and routes with back and forward', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.open();
    await page.goto(`${d.url}/orders`);
    await page.waitForURL(/\/login\?next=%2Forders/);
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'login');
    await page.getByLabel('API key').fill('sc_wrong_key');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('API key').fill(d.tokens.read);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/orders$/);
    await page.getByRole('heading', { level: 1, name: 'Purchase orders' }).waitFor();
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.waitForURL(/\/products$/);
    await page.goBack();
    await page.waitForURL(/\/orders$/);
    await page.goForward();
    await page.waitForURL(/\/products$/);
    // the wrong key's 401 is the only error the console may show
    const errors = d.errors(page).filter((e) => !/401/.test(e));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('fits 375 px without horizontal scroll and switches theme', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/', { width: 375, height: 800 });
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Data' }).click();
    await page.waitForURL(/\/data$/);
    const before = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    await page.getByRole('button', { name: /Switch to the (dark|light) theme/ }).click();
    const afterBg = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    assert.notEqual(afterBg, before);
    d.expectNoErrors(page);
    await page.close();
  });
});
