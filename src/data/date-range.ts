/**
 * The plausible range of a sales file's dates. One row dated 2100 would make the shop's last day
 * 2100 (decades of empty demand, a plan "as of 2100"), so rows dated after today, or far past the
 * bulk of the file's dates, are rejected with their line and reason.
 */

/** A latest date rows may carry (`YYYY-MM-DD`), and why later ones are rejected ("after today …"). */
export interface DateLimit {
  last: string;
  why: string;
}

/** Days after today's UTC date still accepted: a shop east of UTC is already a day ahead. */
export const TIME_ZONE_SLACK_DAYS = 1;
/** The share of a file's rows whose dates make its bulk. */
export const BULK_SHARE = 0.999;
/** Days past the bulk of the file's dates still accepted. */
export const BULK_SLACK_DAYS = 365;

const DAY_MS = 86_400_000;
const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Dates after today (UTC, from the clock given) plus a day of time-zone slack are rejected.
 * @example todayLimit(new Date('2026-11-30T08:00:00Z')) // { last: '2026-12-01', why: 'after today (2026-11-30)' }
 */
export function todayLimit(now: Date): DateLimit {
  const today = now.toISOString().slice(0, 10);
  return { last: addDays(today, TIME_ZONE_SLACK_DAYS), why: `after today (${today})` };
}

/**
 * The limit past the bulk of a file's dates: more than a year after the date below which 99.9 % of
 * its rows fall (the nearest-rank quantile, Hyndman & Fan 1996 definition 1: the smallest date whose
 * cumulative share of rows reaches 99.9 %). Undefined when no row lies beyond it, so the common
 * case costs nothing. A file's last year always has a large share of its rows; a few rows years
 * after the rest are typing errors (2101 for 2011), not sales. O(d log d) for d distinct dates.
 * @param counts rows per date (`YYYY-MM-DD`)
 * @example bulkLimit(new Map([['2011-01-03', 5000], ['2019-01-03', 1]]))
 * // { last: '2012-01-03', why: 'more than 365 days after 99.9 % of the file's dates (up to 2011-01-03)' }
 */
export function bulkLimit(counts: ReadonlyMap<string, number>): DateLimit | undefined {
  const dates = [...counts.keys()].sort();
  if (dates.length === 0) return undefined;
  let total = 0;
  for (const d of dates) total += counts.get(d)!;
  const rank = Math.ceil(BULK_SHARE * total);
  let cum = 0;
  let bulkEnd = dates[dates.length - 1]!;
  for (const d of dates) {
    cum += counts.get(d)!;
    if (cum >= rank) {
      bulkEnd = d;
      break;
    }
  }
  const last = addDays(bulkEnd, BULK_SLACK_DAYS);
  if (dates[dates.length - 1]! <= last) return undefined;
  return { last, why: `more than ${BULK_SLACK_DAYS} days after 99.9 % of the file's dates (up to ${bulkEnd})` };
}
