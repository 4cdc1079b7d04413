import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideDateOrder, noDateOrderEvidence, noteDateOrderInPlace } from '../src/data/date-order.js';
import { bulkLimit, todayLimit } from '../src/data/date-range.js';
import { InputError } from '../src/data/errors.js';

const evidenceOf = (dates: string[]) => {
  const e = noDateOrderEvidence();
  dates.forEach((d, i) => noteDateOrderInPlace(e, d, i + 2));
  return e;
};

test('the whole file decides how slash dates are read', () => {
  assert.equal(decideDateOrder('f', evidenceOf(['03/04/2024', '13/04/2024'])), 'dmy');
  assert.equal(decideDateOrder('f', evidenceOf(['12/1/2010 8:26', '12/13/2010 9:00'])), 'mdy');
  assert.equal(decideDateOrder('f', evidenceOf(['2024-03-04', '2024-03-05 10:00'])), undefined);
  assert.equal(decideDateOrder('f', evidenceOf(['04.11.2011'])), 'dmy');
  // 13/13/2024 is no date at all: it says nothing about the order
  assert.equal(decideDateOrder('f', evidenceOf(['13/13/2024', '14/03/2024'])), 'dmy');
  assert.throws(
    () => decideDateOrder('f.csv', evidenceOf(['01/02/2024', '13/02/2024', '02/13/2024'])),
    (e: Error) =>
      e instanceof InputError &&
      e.field === 'dateOrder' &&
      e.message.includes("day first (line 3: '13/02/2024') and month first (line 4: '02/13/2024')"),
  );
  assert.throws(
    () => decideDateOrder('f.csv', evidenceOf(['2024-01-01', '03/04/2024', '04/03/2024'])),
    (e: Error) => e instanceof InputError && /'03\/04\/2024' \(line 3\).*dateOrder dmy/.test(e.message),
  );
});

test('today, with a day of time-zone slack, from the clock given', () => {
  assert.deepEqual(todayLimit(new Date('2026-11-30T23:59:00Z')), {
    last: '2026-12-01',
    why: 'after today (2026-11-30)',
  });
  assert.deepEqual(todayLimit(new Date('2024-02-28T00:00:00Z')).last, '2024-02-29');
});

test('the bulk limit: a year past the date 99.9 % of the rows reach, only when some row is beyond it', () => {
  const counts = new Map<string, number>();
  for (let d = 1; d <= 28; d++) counts.set(`2011-02-${String(d).padStart(2, '0')}`, 1000);
  assert.equal(bulkLimit(counts), undefined);
  counts.set('2012-02-28', 1); // 364 days after: kept
  assert.equal(bulkLimit(counts), undefined);
  counts.set('2019-05-01', 2);
  assert.deepEqual(bulkLimit(counts), {
    last: '2012-02-28',
    why: "more than 365 days after 99.9 % of the file's dates (up to 2011-02-28)",
  });
  // a small file's 99.9 % quantile is its last date: the rule never fires there (today's does)
  assert.equal(
    bulkLimit(
      new Map([
        ['2011-01-01', 3],
        ['2100-01-01', 1],
      ]),
    ),
    undefined,
  );
  assert.equal(bulkLimit(new Map()), undefined);
});
