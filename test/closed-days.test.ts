/** Closed days are a pattern (a weekday, a holiday), not any empty day; no forecast units fall on them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ClosedDayRules,
  calendarFromAnchors,
  detectClosedDays,
  easterSunday,
  isClosedOn,
} from '../src/engine/closed-calendar.js';
import { closeForecastDaysInPlace, recountInPlace } from '../src/engine/closed-forecast.js';
import { allocateFlat, quantileAt } from '../src/engine/quantile-view.js';
import { DAY_MS, dayMs, isoDate } from '../src/numerics/calendar.js';
import { mulberry32 } from '../src/numerics/random.js';

const RULES: ClosedDayRules = { minWeeks: 4, weekdayMinShare: 0.9, maxChance: 0.001 };

/** Empty-day flags of `days` days from `first`: 1 where `closed(t)` or, on other days, with probability `p`. */
function emptyDays(first: number, days: number, p: number, closed: (t: number) => boolean, seed = 7): Float64Array {
  const rand = mulberry32(seed);
  return Float64Array.from({ length: days }, (_, d) => {
    const t = first + d * DAY_MS;
    return closed(t) || rand() < p ? 1 : 0;
  });
}

test('a small 24/7 shop: its random empty days are zero demand, not closed days', () => {
  const first = dayMs('2010-12-01');
  // 44 % of days without an order (160 of 365 in the issue), two years, several seeds
  for (const seed of [1, 2, 3, 4, 5]) {
    const empty = emptyDays(first, 730, 0.44, () => false, seed);
    const cal = detectClosedDays(empty, first, RULES);
    assert.deepEqual(cal.weekdays, [], `seed ${seed}`);
    assert.equal(
      cal.rule.reduce((a, b) => a + b, 0),
      0,
      `seed ${seed}: ${[...cal.rule].flatMap((r, t) => (r ? [isoDate(first + t * DAY_MS)] : []))}`,
    );
  }
  // the same small shop closed every Sunday: only the Sundays are closed
  const sunday = (t: number): boolean => new Date(t).getUTCDay() === 0;
  const cal = detectClosedDays(emptyDays(first, 730, 0.44, sunday), first, RULES);
  assert.deepEqual(
    cal.weekdays.map((w) => w.weekday),
    [6],
  );
  for (let d = 0; d < 730; d++) assert.equal(cal.rule[d] === 1, sunday(first + d * DAY_MS));
  assert.ok(!cal.rule.includes(2));
});

test('a busy shop closed on Saturdays, at Christmas and Easter: those are closed, a single empty Monday is not', () => {
  const first = dayMs('2010-12-01');
  const days = Math.round((dayMs('2011-11-04') - first) / DAY_MS) + 1;
  const christmas = (t: number): boolean => t >= dayMs('2010-12-24') && t <= dayMs('2011-01-03');
  const easter = (t: number): boolean => t >= dayMs('2011-04-22') && t <= dayMs('2011-04-25');
  const single = ['2011-04-29', '2011-05-02', '2011-05-30', '2011-08-29'].map(dayMs);
  const saturday = (t: number): boolean => new Date(t).getUTCDay() === 6;
  const empty = emptyDays(first, days, 0, (t) => saturday(t) || christmas(t) || easter(t) || single.includes(t));
  const cal = detectClosedDays(empty, first, RULES);
  assert.deepEqual(cal.weekdays, [{ weekday: 5, empty: 48, weeks: 48 }]);
  for (let d = 0; d < days; d++) {
    const t = first + d * DAY_MS;
    const expected = saturday(t) || christmas(t) || easter(t);
    assert.equal(cal.rule[d] !== 0, expected, isoDate(t));
  }
  // carried forward: every Saturday, Christmas to 3 January (Christmas Day too, a Saturday in 2010 but a Sunday in
  // 2011) and Good Friday to Easter Monday of 2012 (6–9 April); an ordinary Monday and the single empty days are open
  const ahead = { weekdays: cal.weekdays.map((w) => w.weekday), holidays: cal.holidays };
  for (const d of ['2011-11-05', '2011-12-24', '2011-12-25', '2011-12-27', '2012-01-01', '2012-01-03', '2012-04-06'])
    assert.ok(isClosedOn(ahead, dayMs(d)), d);
  for (const d of ['2011-11-07', '2011-12-23', '2012-01-04', '2012-04-10', '2012-05-28', '2012-08-27'])
    assert.ok(!isClosedOn(ahead, dayMs(d)), d);
  assert.equal(isoDate(easterSunday(2011)), '2011-04-24');
  assert.equal(isoDate(easterSunday(2024)), '2024-03-31');
  assert.equal(isoDate(easterSunday(2000)), '2000-04-23');
});

test('a date closed in every year is a holiday; anchors read back into the same calendar', () => {
  const first = dayMs('2021-01-04');
  const days = 3 * 364;
  const july4 = (t: number): boolean => isoDate(t).slice(5) === '07-04';
  const cal = detectClosedDays(emptyDays(first, days, 0.01, july4, 3), first, RULES);
  assert.deepEqual(cal.holidays, [{ kind: 'date', month: 7, day: 4 }]);
  assert.ok(isClosedOn(calendarFromAnchors(['date:07-04', 'weekday:5 easter:-2']), dayMs('2030-07-04')));
  const back = calendarFromAnchors(['weekday:5 date:12-25', 'easter:-2', 'nonsense']);
  assert.deepEqual(back, {
    weekdays: [5],
    holidays: [
      { kind: 'date', month: 12, day: 25 },
      { kind: 'easter', offset: -2 },
    ],
  });
});

test('closed forecast days get zero; the open days of their week carry their demand, quantiles in order', () => {
  // 2 series × 14 days from Saturday 2011-11-05, levels 0.1 / 0.5 / 0.9
  const levels = [0.1, 0.5, 0.9];
  const h = 14;
  const fc = allocateFlat(2, h, levels);
  for (let i = 0; i < 2; i++)
    for (let k = 0; k < h; k++) {
      fc.mean[i * h + k] = i === 0 ? 1 + k : 0; // series 1: the model forecasts zero on every open day
      for (let l = 0; l < 3; l++) fc.quantiles[(i * 3 + l) * h + k] = i === 0 ? (1 + k) * (0.5 + l * 0.5) : l;
    }
  fc.mean[1 * h + 0] = 3; // series 1 forecasts 3 units for the closed Saturday only
  const first = dayMs('2011-11-05');
  const saturdays = Float64Array.from({ length: h }, (_, k) => (k % 7 === 0 ? 1 : 0));
  const before = Float64Array.from(fc.mean);
  const closed = closeForecastDaysInPlace(fc, [saturdays, saturdays], first);
  assert.equal(closed, 4);
  for (let i = 0; i < 2; i++)
    for (let k = 0; k < h; k++) {
      if (saturdays[k] === 1) assert.equal(fc.mean[i * h + k], 0);
      const q = levels.map((_, l) => quantileAt(fc, i, l, k));
      assert.ok(q[0]! <= q[1]! && q[1]! <= q[2]! && q[0]! >= 0, `series ${i} day ${k}: ${q}`);
    }
  // Monday weeks: Sat–Sun 5–6 Nov (Mon–Fri before the window), Mon 7 – Sun 13 Nov, Mon 14 – Fri 18 Nov (its Sunday
  // after the window)
  const sum = (a: Float64Array, from: number, to: number): number => a.slice(from, to).reduce((x, y) => x + y, 0);
  for (let i = 0; i < 2; i++)
    assert.ok(Math.abs(sum(fc.mean, i * h + 2, i * h + 9) - sum(before, i * h + 2, i * h + 9)) < 1e-9, 'whole week');
  // the whole week: Saturday 12 Nov's 8 units go to the open days (34 units) in proportion to their means; the weeks
  // cut by the window take the same factor 42 / 34: the Sunday after the first Saturday does not take all of it, and
  // the last week stays at the level of the others
  const factor = 42 / 34;
  assert.ok(Math.abs(fc.mean[2]! - 3 * factor) < 1e-12);
  assert.ok(Math.abs(fc.mean[1]! - 2 * factor) < 1e-12);
  assert.ok(Math.abs(quantileAt(fc, 0, 2, 1) - 3 * factor) < 1e-12);
  for (let k = 9; k < 14; k++) assert.ok(Math.abs(fc.mean[k]! - (1 + k) * factor) < 1e-12, `day ${k}`);
  // series 1: zero on the open days and no whole week to learn a factor from, so the Sunday takes the Saturday's
  // share that falls to it (3 units / 6 open days of the week), quantiles too; its last week has no closed day
  assert.equal(fc.mean[h + 1], 0.5);
  assert.ok(Math.abs(quantileAt(fc, 1, 2, 1) - (2 + 2 / 6)) < 1e-12);
  assert.deepEqual(fc.mean.slice(h + 9, 2 * h), before.slice(h + 9, 2 * h));

  // a week closed throughout sells nothing
  const all = allocateFlat(1, 7, levels);
  all.mean.fill(2);
  all.quantiles.fill(1);
  closeForecastDaysInPlace(all, [new Float64Array(7).fill(1)], dayMs('2011-12-26'));
  assert.ok(all.mean.every((v) => v === 0) && all.quantiles.every((v) => v === 0));
});

test('closed days and recounts applied a range of series at a time: as in one pass, the other series untouched', () => {
  const levels = [0.05, 0.5, 0.95];
  const [n, h] = [20, 21];
  const rand = mulberry32(7);
  const make = () => {
    const fc = allocateFlat(n, h, levels);
    for (let i = 0; i < n * h; i++) fc.mean[i] = rand() * 4;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < h; k++) {
        const q = levels.map(() => rand() * 6).sort((a, b) => a - b);
        q.forEach((v, l) => (fc.quantiles[(i * levels.length + l) * h + k] = v));
      }
    return fc;
  };
  const one = make();
  const ranged = { ...one, mean: one.mean.slice(), quantiles: one.quantiles.slice() };
  const untouched = { mean: one.mean.slice(), quantiles: one.quantiles.slice() };
  const sundays = Float64Array.from({ length: h }, (_, k) => (k % 7 === 1 ? 1 : 0));
  const masks = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? undefined : sundays));
  const counts = Array.from({ length: n }, (_, i) => i % 2 === 0);
  const first = dayMs('2011-11-05');
  const closedAll = closeForecastDaysInPlace(one, masks, first);
  recountInPlace(one, counts);
  // only series 3 to 10: the rest as they were
  closeForecastDaysInPlace(ranged, masks, first, 3, 11);
  recountInPlace(ranged, counts, 3, 11);
  for (let i = 0; i < n; i++) {
    const rows = (fc: { mean: Float64Array; quantiles: Float64Array }) => [
      ...fc.mean.slice(i * h, (i + 1) * h),
      ...fc.quantiles.slice(i * levels.length * h, (i + 1) * levels.length * h),
    ];
    assert.deepEqual(rows(ranged), rows(i >= 3 && i < 11 ? one : untouched), `series ${i}`);
  }
  // the other ranges: every series as in one pass
  let closed = 0;
  for (const [from, to] of [
    [0, 3],
    [11, 20],
  ] as const) {
    closed += closeForecastDaysInPlace(ranged, masks, first, from, to);
    recountInPlace(ranged, counts, from, to);
  }
  assert.deepEqual([ranged.mean, ranged.quantiles], [one.mean, one.quantiles]);
  assert.ok(closed > 0 && closed < closedAll);
});
