import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize, deserialize } from 'node:v8';
import { type AutoState, autoForecast, resumeAuto } from '../src/engine/auto-choice.js';
import { autoPool } from '../src/engine/auto-pool.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

const levels = [0.05, 0.5, 0.95];
const noise = normalSource(mulberry32(11));
const uniform = mulberry32(12);

/** 730 days: a level with a slow trend, a weekly pattern (Sunday low), a yearly wave and noise. */
const daily = Float64Array.from({ length: 730 }, (_, t) =>
  Math.max(0, 40 + 0.01 * t + (t % 7 === 6 ? -25 : 3) + 8 * Math.sin((2 * Math.PI * t) / 365.25) + 4 * noise()),
);
/** 500 days of intermittent demand: a sale on about one day in four, of 1–6 units. */
const intermittent = Float64Array.from({ length: 500 }, () => (uniform() < 0.25 ? 1 + Math.floor(6 * uniform()) : 0));
/** 220 weekly values with a yearly season. */
const weekly = Float64Array.from({ length: 220 }, (_, t) => 300 + 40 * Math.sin((2 * Math.PI * t) / 52) + 10 * noise());

test('every member of the pool resumed from its parameters gives its forecast at the last end', () => {
  for (const [y, m, periods, isIntermittent] of [
    [daily, 7, [7, 365], false],
    [daily, 7, [7], false],
    [intermittent, 7, [], true],
    [weekly, 52, [52], false],
  ] as const) {
    const pool = autoPool(m, periods, y.length, isIntermittent);
    const ends = [y.length - 56, y.length - 28, y.length];
    for (const member of pool) {
      const fcs = member.forecasts(y, ends, 28, levels);
      const last = fcs.at(-1);
      if (last === undefined) continue;
      // parameters as stored: serialised and read back (the workspace keeps them as bytes)
      const params = deserialize(serialize(member.params())) as unknown;
      const resumed = member.resume(params, y, 28, levels);
      assert.ok(resumed !== undefined, `${member.name} (m ${m}) resumes`);
      assert.deepEqual(resumed.mean, last.mean, `${member.name} (m ${m}): mean`);
      assert.deepEqual(resumed.quantiles, last.quantiles, `${member.name} (m ${m}): quantiles`);
      assert.equal(resumed.model, last.model);
    }
  }
});

test('auto resumed on the series it chose from gives exactly its forecast; on more data, a forecast run forward', () => {
  for (const [y, m] of [
    [daily, 7],
    [intermittent, 7],
    [weekly, 52],
  ] as const) {
    const n = y.length - 10;
    const first = autoForecast(y.subarray(0, n), 28, levels, { seasonLength: m });
    const state = deserialize(serialize(first.state)) as AutoState;
    assert.ok(state.members.length >= 1);
    const again = resumeAuto(state, y.subarray(0, n), 28, levels);
    assert.ok(again !== undefined);
    assert.deepEqual(again.mean, first.mean);
    assert.deepEqual(again.quantiles, first.quantiles);
    assert.equal(again.model, first.model);
    assert.equal(again.backtestMase, first.backtestMase);

    // ten more days: the same members, weights and parameters over the longer series, not a new choice
    const later = resumeAuto(state, y, 28, levels);
    assert.ok(later !== undefined);
    assert.equal(later.model, first.model);
    assert.notDeepEqual(later.mean, first.mean);
    assert.ok(later.mean.every(Number.isFinite));
    // the members' states moved with the data: the resumed forecast is near a full refit's, not far off
    const refit = autoForecast(y, 28, levels, { seasonLength: m });
    const scale = refit.mean.reduce((a, b) => a + Math.abs(b), 0) / 28 || 1;
    const gap = later.mean.reduce((a, b, t) => a + Math.abs(b - refit.mean[t]!), 0) / 28;
    assert.ok(gap < 0.5 * scale, `m ${m}: resumed vs refit mean gap ${gap} (scale ${scale})`);
  }
});

test('a member that cannot run forward makes the resume give up, for a full fit', () => {
  const first = autoForecast(daily.subarray(0, 700), 28, levels, { seasonLength: 7 });
  const state = first.state as AutoState;
  const broken: AutoState = { ...state, members: [{ name: 'no-such-member', weight: 1, params: undefined }] };
  assert.equal(resumeAuto(broken, daily, 28, levels), undefined);
});
