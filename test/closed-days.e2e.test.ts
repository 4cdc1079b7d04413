/** The sample shop's closed days: its Saturdays, Christmas and Easter, not its single bank holidays. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { sql } from '../src/store/sql.js';
import { SAMPLE, withWorkspace } from './helpers.js';

test('the sample shop is closed on Saturdays (48 of 48), at Christmas and at Easter, and nowhere else', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE]);
    const rows = await ws.all(
      sql`SELECT date::VARCHAR AS d, dayname(date) AS w, reason FROM closed_days ORDER BY date`,
    );
    const saturdays = rows.filter((r) => r['w'] === 'Saturday');
    assert.equal(saturdays.length, 48);
    assert.match(saturdays[0]!['reason'] as string, /closed on Saturdays: no sale in 48 of 48 weeks/);
    assert.deepEqual(
      rows.filter((r) => r['w'] !== 'Saturday').map((r) => r['d']),
      [
        ...['2010-12-24', '2010-12-26', '2010-12-27', '2010-12-28', '2010-12-29', '2010-12-30', '2010-12-31'],
        ...['2011-01-02', '2011-01-03', '2011-04-22', '2011-04-24', '2011-04-25'],
      ],
    );
    // the single bank holidays (29 April, 2 and 30 May, 29 August 2011) are zero demand, not closed
    const may2 = await ws.one(
      sql`SELECT bool_or(closed) AS c, sum(units) AS u FROM daily_demand WHERE date = '2011-05-02'`,
    );
    assert.deepEqual([may2['c'], may2['u']], [false, 0]);
  });
});
