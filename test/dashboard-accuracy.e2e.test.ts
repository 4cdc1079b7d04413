// The Forecast accuracy page in a real browser against the real server: a workspace whose plan is followed by two
// more days of sales (posted as order batches, with a challenger model running beside the champion), so forecasts
// are scored; the page shows the API's figures by week, class and horizon, the monitoring alerts, champion against
// challenger with the Diebold–Mariano result in words, promotes the challenger after a confirmation, and explains an
// empty selection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Dashboard, axeViolations, chromiumOrSkip, startDashboard } from './dashboard-harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nextDay = (iso: string): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('the forecast accuracy page', () => {
  let d: Dashboard | null = null;
  const get = async (path: string): Promise<Json> => {
    const r = await d!.call(path, { as: 'read' });
    assert.equal(r.status, 200, path);
    return (await r.json()) as Json;
  };
  const send = async (method: string, path: string, body: unknown, as: 'write' | 'admin' = 'write') => {
    const r = await d!.call(path, {
      method,
      as,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(r.status, 200, `${method} ${path}: ${await r.text()}`);
  };
  /** The rows of a metrics table as { key → { metric → data-value } }. */
  const tableOf = async (page: Page, testid: string): Promise<Map<string, Record<string, string>>> => {
    const out = new Map<string, Record<string, string>>();
    for (const tr of await page.getByTestId(testid).locator('tbody tr').all()) {
      const cells: Record<string, string> = {};
      for (const td of await tr.locator('td[data-metric]').all())
        cells[(await td.getAttribute('data-metric'))!] = (await td.getAttribute('data-value'))!;
      out.set((await tr.getAttribute('data-key'))!, cells);
    }
    return out;
  };
  const sameRows = (shown: Map<string, Record<string, string>>, rows: Json[]): void => {
    assert.deepEqual(
      [...shown.keys()],
      rows.map((r) => r.key as string),
    );
    for (const r of rows) {
      const c = shown.get(r.key)!;
      assert.equal(Number(c['n']), r.n, `${r.key} n`);
      assert.equal(Number(c['actual']), r.actual, `${r.key} actual`);
      for (const m of ['wape', 'mase', 'bias', 'coverage50', 'coverage90'])
        assert.equal(c[m] === '' ? null : Number(c[m]), r[m], `${r.key} ${m}`);
    }
  };

  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 6 });
    // a challenger beside the champion, then three days of sales after the plan (two weeks): the plan's and the live forecasts
    // of both models get scored
    await send('PUT', '/models', { champion: 'auto', challenger: 'naive' }, 'admin');
    let day = d.slice.lastDay;
    for (let k = 0; k < 3; k++) {
      day = nextDay(day);
      const lines = d.slice.skus.map((sku, i) => ({
        order_id: `ACC-${k}-${i}`,
        ordered_at: `${day}T10:00:00`,
        sku,
        quantity: 4 + 3 * i,
        unit_price: 2.5,
      }));
      await send('POST', '/order-lines', { lines });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const all = await Promise.all(d.slice.skus.map((s) => get(`/skus/${encodeURIComponent(s)}?history_days=7`)));
        if (all.every((x) => x.forecast?.origin === day)) break;
        assert.ok(Date.now() < deadline, 'the batch re-forecast its SKUs');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await send('POST', '/monitor', {});
  });
  after(async () => d?.stop());

  it("shows the API's figures by week, class and horizon, and follows the filters; axe clean", async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/forecast-accuracy');
    await page.getByTestId('acc-by-week').waitFor();
    await page.getByTestId('acc-by-class').waitFor();
    await page.getByTestId('acc-by-step').waitFor();
    const week = (await get('/accuracy?by=week&role=champion')).rows as Json[];
    const cls = (await get('/accuracy?by=class&role=champion')).rows as Json[];
    const step = (await get('/accuracy?by=step&role=champion')).rows as Json[];
    assert.ok(week.length > 0 && cls.length > 0 && step.length > 0, 'forecasts were scored');
    sameRows(await tableOf(page, 'acc-by-week'), week);
    sameRows(await tableOf(page, 'acc-by-class'), cls);
    sameRows(await tableOf(page, 'acc-by-step'), step);
    const n = week.reduce((s, r) => s + (r.n as number), 0);
    assert.equal((await page.getByTestId('acc-n').textContent())?.replace(/\D/g, ''), String(n));
    assert.match((await page.getByTestId('acc-words').textContent()) ?? '', /units sold against/);
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'accuracy');

    // the challenger's forecasts, up to 7 days ahead
    await page.getByLabel('Model', { exact: true }).selectOption('challenger');
    await page.getByLabel('Horizon', { exact: true }).selectOption('7');
    const ch = (await get('/accuracy?by=class&role=challenger&max_step=7')).rows as Json[];
    assert.ok(ch.length > 0, 'the challenger was scored');
    await page
      .getByTestId('acc-by-class')
      .locator(`tbody tr[data-key="${ch[0]!.key}"] td[data-metric="n"][data-value="${ch[0]!.n}"]`)
      .waitFor();
    sameRows(await tableOf(page, 'acc-by-class'), ch);
    // nothing scored for the challenger's backtests: the empty state says why
    await page.getByLabel('Forecasts', { exact: true }).selectOption('backtest');
    await page.getByTestId('acc-empty').first().waitFor();
    assert.match((await page.getByTestId('acc-empty').first().textContent()) ?? '', /No forecast has been scored yet/);
    d.expectNoErrors(page);
    await page.close();
  });

  it('lists the monitoring alerts of a kind as the API does', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/forecast-accuracy');
    await page.getByLabel('Kind').waitFor();
    for (const kind of ['tracking_signal', 'anomaly']) {
      await page.getByLabel('Kind').selectOption(kind);
      const api = await get(`/alerts?kind=${kind}&limit=100`);
      if (api.alerts.length === 0) {
        await page.getByTestId('alerts-empty').waitFor();
        continue;
      }
      const table = page.getByTestId('acc-alerts');
      await table.and(page.locator(`[data-total="${api.total}"]`)).waitFor();
      const shown: (string | null)[] = [];
      for (const tr of await table.locator('tbody tr').all()) shown.push(await tr.getAttribute('data-alert'));
      assert.deepEqual(
        shown,
        (api.alerts as Json[]).map((a) => String(a.alert_id)),
      );
    }
    d.expectNoErrors(page);
    await page.close();
  });

  it('compares champion and challenger as the API does and promotes the challenger after a confirmation', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const cc = await get('/champion-challenger?weeks=8');
    const page = await d.loggedIn('/forecast-accuracy');
    const table = page.getByTestId('cc-table');
    await table.waitFor();
    assert.equal(await page.getByTestId('champion-name').textContent(), cc.champion);
    assert.equal(await page.getByTestId('challenger-name').textContent(), cc.challenger);
    for (const role of ['champion', 'challenger']) {
      const v = await table.locator(`tr[data-role="${role}"] td[data-metric="wape"]`).getAttribute('data-value');
      assert.equal(v === '' ? null : Number(v), cc.overall[`${role}_wape`]);
    }
    const words = (await page.getByTestId('dm-words').textContent()) ?? '';
    if (cc.dm === null) assert.match(words, /Too few days compared/);
    else assert.match(words, new RegExp(`over ${cc.dm.n} days`));

    await page.getByRole('button', { name: 'Promote the challenger…' }).click();
    await page.getByRole('group', { name: 'Confirm the promotion' }).waitFor();
    // the focus is on Cancel; Escape cancels too
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('group', { name: 'Confirm the promotion' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Promote the challenger…' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(
      await get('/models'),
      { champion: cc.champion, challenger: cc.challenger },
      'cancel changes nothing',
    );
    await page.getByRole('button', { name: 'Promote the challenger…' }).click();
    await page.getByRole('button', { name: `Yes, promote ${cc.challenger}` }).click();
    await page.getByTestId('promote-msg').waitFor();
    assert.deepEqual(await get('/models'), { champion: cc.challenger, challenger: cc.champion });
    await page.locator(`[data-testid="champion-name"]:text-is("${cc.challenger}")`).waitFor();
    d.expectNoErrors(page);
    await page.close();

    const narrow = await d.loggedIn('/forecast-accuracy', { width: 375, height: 800 });
    await narrow.getByTestId('acc-by-week').waitFor();
    await narrow.getByTestId('cc-table').waitFor();
    const overflow = (await narrow.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    assert.deepEqual(await axeViolations(narrow), []);
    await d.shot(narrow, 'accuracy-375');
    d.expectNoErrors(narrow);
    await narrow.close();
  });
});
