// The Data page in a real browser against the real server: upload a small CSV of the sample shop with one bad row
// (through the file input; progress, then the ingest job), then see the cleaning report equal to GET
// /cleaning-report, the bad row among the rejected rows with its file, line and reason as GET /rejected-rows gives
// them, and the upload in the ingest history; axe finds nothing serious; 375 px has no horizontal scroll.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Dashboard, axeViolations, chromiumOrSkip, startDashboard } from './dashboard-harness.js';

interface Report {
  rules: { rule: string; rows: number; units: number }[];
}
interface Rejected {
  total: number;
  rows: { file: string; line: number; reason: string; raw: string }[];
}

describe('the Data page', () => {
  let d: Dashboard | null = null;
  before(async () => {
    if (!chromiumOrSkip({ skip: () => {} } as never)) return;
    d = await startDashboard({ skus: 10 });
  });
  after(async () => d?.stop());

  it('uploads a CSV with a bad row, then shows its cleaning report, the rejected row and the ingest', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    // 20 lines of the slice, then one whose date cannot be read: line 22 of the file (the header is line 1)
    const lines = gunzipSync(readFileSync(d.slice.orders)).toString('utf8').split('\n');
    const good = lines.slice(1, 21);
    const plain = good.find((l) => !l.includes('"'))!;
    const fields = plain.split(',');
    const dateAt = fields.findIndex((f) => /^\d{4}-\d{2}-\d{2} /.test(f));
    assert.ok(dateAt > 0, plain);
    const bad = [...fields];
    bad[dateAt] = 'not-a-date';
    const csv = [lines[0], ...good, bad.join(',')].join('\n') + '\n';
    const name = 'upload-with-a-bad-row.csv';

    const page = await d.loggedIn('/data');
    await page.locator('[data-testid="cleaning-report"]').waitFor();
    await page.getByLabel('Choose files').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('[data-testid="upload-status"][data-step="done"]').waitFor({ timeout: 60_000 });

    // the rejected row, as the service keeps it, is on the page with its file, line and reason
    const rejected = (await (await d.call('/rejected-rows?limit=100')).json()) as Rejected;
    const row = rejected.rows.find((r) => r.file.endsWith(name));
    assert.ok(row, JSON.stringify(rejected));
    assert.equal(row.line, 22);
    assert.match(row.reason, /date/);
    const tr = page.locator(`[data-testid="rejected-rows"] tr[data-line="22"]`).filter({ hasText: name });
    await tr.waitFor();
    assert.equal((await tr.locator('td[data-col="reason"]').textContent())?.trim(), row.reason);
    assert.equal((await tr.locator('code.raw').textContent())?.trim(), row.raw.trim());

    // the cleaning report is the service's, rule by rule
    const report = (await (await d.call('/cleaning-report')).json()) as Report;
    assert.ok(report.rules.length > 5);
    const rej = report.rules.find((r) => r.rule === 'rejected');
    assert.ok(rej !== undefined && rej.rows >= 1);
    await page.locator(`tr[data-rule="rejected"] td[data-col="rows"][data-value="${rej.rows}"]`).waitFor();
    for (const r of report.rules) {
      const cells = page.locator(`[data-testid="cleaning-report"] tr[data-rule="${r.rule}"] td`);
      assert.equal(await cells.nth(2).getAttribute('data-value'), String(r.rows), r.rule);
      assert.equal(await cells.nth(3).getAttribute('data-value'), String(r.units), r.rule);
    }

    // the ingest history lists the upload
    await page.locator('[data-testid="ingests"] tr').filter({ hasText: name }).first().waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'data');
    d.expectNoErrors(page);
    await page.close();
  });

  it('fits 375 px without horizontal scroll', async (t) => {
    if (!chromiumOrSkip(t) || d === null) return;
    const page = await d.loggedIn('/data', { width: 375, height: 800 });
    await page.locator('[data-testid="cleaning-report"]').waitFor();
    await page.locator('[data-testid="ingests"]').waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    assert.deepEqual(await axeViolations(page), []);
    await d.shot(page, 'data-375');
    d.expectNoErrors(page);
    await page.close();
  });
});
