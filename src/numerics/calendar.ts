/**
 * Calendar periods of a series: stepping a date or timestamp by whole periods and writing it back
 * in the form it came in (`2024-01-07`, or `2024-01-07 13:00:00` for hours). Dates are calendar
 * dates (no time zone); months keep the day of month, clipped to the month's length.
 */
export const DAY_MS = 86_400_000;

/** The period of a series: one value per hour, day, week, month, quarter or year. */
export type Freq = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * Every frequency, shortest first (for checking input and listing choices).
 * @example FREQS.includes('week') // true
 */
export const FREQS: readonly Freq[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];

/**
 * The usual season length (periods per cycle) and forecast horizon (periods) of each frequency.
 * @example FREQ_DEFAULTS.week // { seasonLength: 52, horizon: 13 }
 */
export const FREQ_DEFAULTS: Record<Freq, { seasonLength: number; horizon: number }> = {
  hour: { seasonLength: 24, horizon: 48 },
  day: { seasonLength: 7, horizon: 28 },
  week: { seasonLength: 52, horizon: 13 },
  month: { seasonLength: 12, horizon: 12 },
  quarter: { seasonLength: 4, horizon: 8 },
  year: { seasonLength: 1, horizon: 6 },
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * The calendar date `YYYY-MM-DD` (UTC) of a time in ms since the epoch: the one ISO-date helper.
 * @example isoDate(Date.UTC(2011, 10, 4)) // '2011-11-04'
 */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Ms since the epoch of UTC midnight of a `YYYY-MM-DD` date (NaN when unreadable).
 * @example dayMs('2011-11-04') === Date.UTC(2011, 10, 4)
 */
export function dayMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** Milliseconds since the epoch of a `YYYY-MM-DD[ HH:MM:SS]` text read as UTC. */
export function periodTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (m === null) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

export function formatPeriod(time: number, withTime: boolean): string {
  const d = new Date(time);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return withTime ? `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` : date;
}

/** `time` moved by `k` periods of `freq`. */
export function addPeriods(time: number, freq: Freq, k: number): number {
  switch (freq) {
    case 'hour':
      return time + k * 3_600_000;
    case 'day':
      return time + k * 86_400_000;
    case 'week':
      return time + k * 7 * 86_400_000;
    default: {
      const months = freq === 'month' ? k : freq === 'quarter' ? 3 * k : 12 * k;
      const d = new Date(time);
      const y = d.getUTCFullYear();
      const mo = d.getUTCMonth() + months;
      const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
      return Date.UTC(y, mo, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
    }
  }
}

/** Number of whole periods from `a` to `b` (b ≥ a), or NaN when b is not on a's grid. */
export function periodsBetween(a: number, b: number, freq: Freq): number {
  if (freq === 'hour' || freq === 'day' || freq === 'week') {
    const unit = freq === 'hour' ? 3_600_000 : freq === 'day' ? 86_400_000 : 7 * 86_400_000;
    const k = (b - a) / unit;
    return Number.isInteger(k) ? k : NaN;
  }
  const da = new Date(a);
  const db = new Date(b);
  const months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  const per = freq === 'month' ? 1 : freq === 'quarter' ? 3 : 12;
  const k = months / per;
  return Number.isInteger(k) && addPeriods(a, freq, k) === b ? k : NaN;
}
