/**
 * How far ahead a forecast may reach. A statistical forecast extrapolates what the history shows;
 * beyond about twice its length there is nothing left to extrapolate from (a trend compounded over
 * centuries gave a p75 of 2.3e17 units for the year 3948), and a horizon of 100,000 days kept a plan
 * busy for minutes. So the horizon is held to twice the longest history (never below the
 * frequency's usual horizon, so a young shop keeps its default) and to 3 years whatever the history.
 */
import { InputError } from '../data/errors.js';
import { FREQ_DEFAULTS, type Freq } from '../numerics/calendar.js';

/** The longest horizon whatever the history: 3 years in periods of the frequency (and 10,000 periods without one). */
export const MAX_HORIZON: Record<Freq, number> = {
  hour: 3 * 366 * 24,
  day: 3 * 366,
  week: 157,
  month: 36,
  quarter: 12,
  year: 10,
};

/** The history-relative cap: the horizon may be this many times the longest series. */
export const HORIZON_HISTORY_MULTIPLE = 2;

const UNIT: Record<Freq, string> = {
  hour: 'hours',
  day: 'days',
  week: 'weeks',
  month: 'months',
  quarter: 'quarters',
  year: 'years',
};

/**
 * The largest horizon allowed for a history of `historyLength` periods (see the module comment):
 * min(absolute cap, max(2 × history, the frequency's usual horizon)).
 * @example maxHorizon(365, 'day') // 730
 * maxHorizon(10, 'day') // 28 (the default horizon stays allowed)
 * maxHorizon(5000, 'day') // 1098 (3 years)
 */
export function maxHorizon(historyLength: number, freq: Freq | undefined): number {
  const absolute = freq === undefined ? 10_000 : MAX_HORIZON[freq];
  const floor = freq === undefined ? 1 : FREQ_DEFAULTS[freq].horizon;
  return Math.min(absolute, Math.max(HORIZON_HISTORY_MULTIPLE * historyLength, floor));
}

/**
 * Refuses a horizon beyond `maxHorizon`, with an `InputError` on `field` saying why and what is allowed.
 * @example checkHorizon('plan', 100000, 365, 'day', 'horizon')
 * // InputError: plan: horizon 100000 is too far ahead: at most 730 days, twice the 365 days of history: …
 */
export function checkHorizon(
  command: string,
  h: number,
  historyLength: number,
  freq: Freq | undefined,
  field = 'horizon',
): void {
  const limit = maxHorizon(historyLength, freq);
  if (h <= limit) return;
  const unit = freq === undefined ? 'periods' : UNIT[freq];
  const absolute = freq === undefined ? 10_000 : MAX_HORIZON[freq];
  const why =
    limit === absolute
      ? `${freq === undefined ? '' : ' (about 3 years)'}: no forecast says anything useful further out`
      : `, twice the ${historyLength} ${unit} of history: further out a forecast only extrapolates its own trend`;
  throw new InputError(`${command}: ${field} ${h} is too far ahead: at most ${limit} ${unit}${why}`, { field });
}
