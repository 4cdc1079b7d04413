/**
 * Which days a shop is closed, read from the days on which it sold nothing at all, and the same
 * calendar carried into the future. A shop-wide empty day is closed only when it belongs to a
 * pattern that chance cannot explain; an isolated empty day of a small shop is zero demand.
 *
 *  - Closed weekday: on at least `weekdayMinShare` of the weeks that have the weekday (and at
 *    least `minWeeks` of them) the shop sold nothing, and an open weekday would show that many
 *    empty days with probability at most `maxChance` (binomial upper tail at p, the empty-day rate
 *    of the other weekdays). E.g. a shop that never sells on Saturdays: 48 of 48.
 *  - Holiday: a run of L consecutive empty days (closed weekdays inside it skipped) that touches a
 *    known holiday period — Christmas to New Year (24 Dec – 1 Jan) or Easter (Good Friday to Easter
 *    Monday) — with p^L ≤ maxChance; or a calendar date empty in every year of the history that has
 *    it on an open weekday (at least two years) with p^years ≤ maxChance.
 * p is the share of empty days among the days of open weekdays. Holidays are carried into the
 * future by their date (Christmas runs, recurring dates) or by their offset from Easter Sunday.
 */
import { DAY_MS } from '../numerics/calendar.js';

/** Thresholds of the closed-day rules (CleaningConfig.closedDays). */
export interface ClosedDayRules {
  /** a weekday needs at least this many weeks of history to be called closed */
  minWeeks: number;
  /** … and no sale on at least this share of them */
  weekdayMinShare: number;
  /** a pattern is accepted when an open shop would show it by chance with at most this probability */
  maxChance: number;
}

/** A holiday carried into later years: a calendar date, or a day counted from Easter Sunday. */
export type HolidayAnchor = { kind: 'date'; month: number; day: number } | { kind: 'easter'; offset: number };

/** What the rules found over a span of days. */
export interface ClosedCalendar {
  /** per day of the span: 0 open (or unknown), 1 closed weekday, 2 holiday */
  rule: Uint8Array;
  /** closed weekdays (0 = Monday), each with its empty days of the weeks that have it */
  weekdays: { weekday: number; empty: number; weeks: number }[];
  /** the holidays, as anchors for later years */
  holidays: HolidayAnchor[];
  /** the anchor of each holiday of the span, by day index (closed weekdays inside a holiday run too) */
  holidayAnchors: Map<number, HolidayAnchor>;
  /** share of empty days among the days of open weekdays (p) */
  emptyRate: number;
}

/** Weekday of a day (ms, UTC midnight), 0 = Monday (1970-01-01 was a Thursday). */
export function weekdayOf(dayMsValue: number): number {
  return (((Math.floor(dayMsValue / DAY_MS) + 3) % 7) + 7) % 7;
}

/**
 * Easter Sunday of a Gregorian year (ms, UTC midnight): the anonymous Gregorian algorithm as given
 * by Meeus, Astronomical Algorithms (2nd ed., ch. 8).
 * @example isoDate(easterSunday(2011)) // '2011-04-24'
 */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const n = h + l - 7 * m + 114;
  return Date.UTC(year, Math.floor(n / 31) - 1, (n % 31) + 1);
}

/** Which known holiday period a day lies in: Christmas to New Year, Easter (Good Friday – Easter Monday), or none. */
function holidayPeriod(t: number): 'christmas' | 'easter' | undefined {
  const date = new Date(t);
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  if ((month === 12 && day >= 24) || (month === 1 && day === 1)) return 'christmas';
  const offset = Math.round((t - easterSunday(date.getUTCFullYear())) / DAY_MS);
  return offset >= -2 && offset <= 1 ? 'easter' : undefined;
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed in log space. O(n). */
function binomialUpperTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logFact = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) logFact[i] = logFact[i - 1]! + Math.log(i);
  let sum = 0;
  for (let j = k; j <= n; j++)
    sum += Math.exp(logFact[n]! - logFact[j]! - logFact[n - j]! + j * Math.log(p) + (n - j) * Math.log1p(-p));
  return Math.min(1, sum);
}

/**
 * Finds the closed days of a span (see the module comment). `empty[t]` is 1 when the shop sold
 * nothing on day t, 0 when it sold, NaN when the day is unknown (no data); `firstDay` is day 0 (ms,
 * UTC midnight). O(days).
 * @example
 * const cal = detectClosedDays(empty, Date.UTC(2010, 11, 1), { minWeeks: 4, weekdayMinShare: 0.9, maxChance: 0.001 });
 * cal.weekdays; // [{ weekday: 5, empty: 48, weeks: 48 }] for a shop that never sells on Saturdays
 */
export function detectClosedDays(empty: ArrayLike<number>, firstDay: number, rules: ClosedDayRules): ClosedCalendar {
  const n = empty.length;
  const rule = new Uint8Array(n);
  const known = (t: number): boolean => !Number.isNaN(empty[t]!);
  const isEmpty = (t: number): boolean => empty[t] === 1;
  const weekday = (t: number): number => weekdayOf(firstDay + t * DAY_MS);
  const weeks = new Array<number>(7).fill(0);
  const empties = new Array<number>(7).fill(0);
  for (let t = 0; t < n; t++)
    if (known(t)) {
      weeks[weekday(t)]!++;
      if (isEmpty(t)) empties[weekday(t)]!++;
    }
  const candidate = weeks.map((w, d) => w >= rules.minWeeks && empties[d]! >= rules.weekdayMinShare * w);
  let otherDays = 0;
  let otherEmpty = 0;
  for (let d = 0; d < 7; d++)
    if (!candidate[d]) {
      otherDays += weeks[d]!;
      otherEmpty += empties[d]!;
    }
  // with no weekday that sells, nothing tells a closed weekday from a quiet one
  const p0 = otherDays > 0 ? otherEmpty / otherDays : 1;
  const closedWeekday = candidate.map((c, d) => c && binomialUpperTail(weeks[d]!, empties[d]!, p0) <= rules.maxChance);
  const weekdays = closedWeekday.flatMap((c, d) => (c ? [{ weekday: d, empty: empties[d]!, weeks: weeks[d]! }] : []));
  let openDays = 0;
  let openEmpty = 0;
  for (let t = 0; t < n; t++) {
    if (!known(t)) continue;
    if (closedWeekday[weekday(t)]) {
      if (isEmpty(t)) rule[t] = 1;
      continue;
    }
    openDays++;
    if (isEmpty(t)) openEmpty++;
  }
  const p = openDays > 0 ? openEmpty / openDays : 1;
  const holidays: HolidayAnchor[] = [];
  const seen = new Set<string>();
  const holidayAnchors = new Map<number, HolidayAnchor>();
  const anchor = (t: number, period: 'christmas' | 'easter'): void => {
    const ms = firstDay + t * DAY_MS;
    const date = new Date(ms);
    const a: HolidayAnchor =
      period === 'easter'
        ? { kind: 'easter', offset: Math.round((ms - easterSunday(date.getUTCFullYear())) / DAY_MS) }
        : { kind: 'date', month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    const key = JSON.stringify(a);
    if (!seen.has(key)) holidays.push(a);
    seen.add(key);
    if (!isEmpty(t)) return;
    if (rule[t] === 0) rule[t] = 2;
    holidayAnchors.set(t, a);
  };
  // runs of empty open-weekday days at a known holiday period
  const run: number[] = [];
  const closeRun = (): void => {
    if (run.length > 0 && Math.pow(p, run.length) <= rules.maxChance) {
      const periods = run.map((t) => holidayPeriod(firstDay + t * DAY_MS)).filter((x) => x !== undefined);
      // the whole span, closed weekdays inside it too: next year they may fall on open weekdays
      if (periods.length > 0) for (let t = run[0]!; t <= run[run.length - 1]!; t++) anchor(t, periods[0]!);
    }
    run.length = 0;
  };
  for (let t = 0; t < n; t++) {
    if (!known(t)) closeRun();
    else if (closedWeekday[weekday(t)]) continue;
    else if (isEmpty(t)) run.push(t);
    else closeRun();
  }
  closeRun();
  // calendar dates empty in every year that has them on an open weekday
  const byDate = new Map<string, { days: number[]; empty: number }>();
  for (let t = 0; t < n; t++) {
    if (!known(t) || closedWeekday[weekday(t)]) continue;
    const key = new Date(firstDay + t * DAY_MS).toISOString().slice(5, 10);
    const e = byDate.get(key) ?? byDate.set(key, { days: [], empty: 0 }).get(key)!;
    e.days.push(t);
    if (isEmpty(t)) e.empty++;
  }
  for (const e of byDate.values())
    if (e.days.length >= 2 && e.empty === e.days.length && Math.pow(p, e.days.length) <= rules.maxChance) {
      const date = new Date(firstDay + e.days[0]! * DAY_MS);
      const a: HolidayAnchor = { kind: 'date', month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      const key = JSON.stringify(a);
      if (!seen.has(key)) holidays.push(a);
      seen.add(key);
      for (const t of e.days) {
        rule[t] = 2;
        holidayAnchors.set(t, a);
      }
    }
  return { rule, weekdays, holidays, holidayAnchors, emptyRate: p };
}

/**
 * Whether the shop is closed on day `t` (ms, UTC midnight) by a calendar's closed weekdays and
 * holidays: how known closed days are carried into the future.
 * @example
 * isClosedOn({ weekdays: [5], holidays: [{ kind: 'date', month: 12, day: 25 }] }, Date.UTC(2011, 11, 25)); // true
 */
export function isClosedOn(
  cal: { weekdays: readonly number[]; holidays: readonly HolidayAnchor[] },
  t: number,
): boolean {
  if (cal.weekdays.includes(weekdayOf(t))) return true;
  if (cal.holidays.length === 0) return false;
  const date = new Date(t);
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  let easter: number | undefined;
  for (const h of cal.holidays) {
    if (h.kind === 'date') {
      if (h.month === month && h.day === day) return true;
    } else {
      easter ??= Math.round((t - easterSunday(date.getUTCFullYear())) / DAY_MS);
      if (easter === h.offset) return true;
    }
  }
  return false;
}

/** The text form of an anchor stored with a closed day (`weekday:5`, `date:12-25`, `easter:-2`), and back. */
export function anchorText(a: HolidayAnchor | { kind: 'weekday'; weekday: number }): string {
  if (a.kind === 'weekday') return `weekday:${a.weekday}`;
  if (a.kind === 'easter') return `easter:${a.offset}`;
  return `date:${String(a.month).padStart(2, '0')}-${String(a.day).padStart(2, '0')}`;
}

/**
 * Parses anchors written by `anchorText` (several to a text, separated by spaces) into a calendar for `isClosedOn`;
 * unknown texts are skipped.
 */
export function calendarFromAnchors(texts: Iterable<string>): { weekdays: number[]; holidays: HolidayAnchor[] } {
  const weekdays = new Set<number>();
  const holidays: HolidayAnchor[] = [];
  for (const s of new Set([...texts].flatMap((t) => t.split(' ')))) {
    const m = /^(weekday|date|easter):(-?\d+)(?:-(\d+))?$/.exec(s.trim());
    if (m === null) continue;
    if (m[1] === 'weekday') weekdays.add(Number(m[2]));
    else if (m[1] === 'easter') holidays.push({ kind: 'easter', offset: Number(m[2]) });
    else if (m[3] !== undefined) holidays.push({ kind: 'date', month: Number(m[2]), day: Number(m[3]) });
  }
  return { weekdays: [...weekdays].sort(), holidays };
}
