/**
 * Strict parsers for the values of shop files. Each returns `undefined` for text it cannot read,
 * so that the caller can reject the row with a reason instead of guessing.
 */

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
const SLASH = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function formatChecked(y: number, mo: number, d: number, h: number, mi: number, s: number): string | undefined {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return `${y}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

/**
 * Reads a date or timestamp as written by shop exports: ISO (`2011-11-04`, `2011-11-04 18:11[:00]`,
 * `T` separator, a trailing zone is ignored: the shop's wall-clock time is kept) or with slashes or
 * dots (`12/1/2010 8:26`), read month-first or day-first as `order` says (default: month-first for
 * slashes, day-first for dots). Returns `YYYY-MM-DD HH:MM:SS`, or undefined for anything else,
 * including impossible dates such as 2011-02-30.
 */
export function parseTimestamp(text: string, order?: 'mdy' | 'dmy'): string | undefined {
  const t = text.trim();
  let m = ISO.exec(t);
  if (m !== null) return formatChecked(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = SLASH.exec(t);
  if (m !== null) {
    const dayFirst = order === undefined ? m[2] === '.' : order === 'dmy';
    const [mo, d] = dayFirst ? [+m[3]!, +m[1]!] : [+m[1]!, +m[3]!];
    return formatChecked(+m[4]!, mo, d, +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? 0));
  }
  return undefined;
}

/**
 * The first two numbers of a date written with slashes or dots (`03/04/2024`, `13.03.2024 08:00`),
 * whichever is day or month, or undefined for other text. What tells day-first from month-first:
 * a first number over 12 can only be a day, a second number over 12 only a day too.
 * @example slashDateParts('12/13/2010 8:26') // { first: 12, second: 13, separator: '/' }
 */
export function slashDateParts(text: string): { first: number; second: number; separator: string } | undefined {
  const m = SLASH.exec(text.trim());
  return m === null ? undefined : { first: +m[1]!, second: +m[3]!, separator: m[2]! };
}

/**
 * Reads a decimal number (`-1.5`, `2e3`; `2,55` when `decimal` is ',', which then refuses points: `1.000` is
 * ambiguous). No hex, no `Infinity`.
 */
export function parseNumber(text: string, decimal: '.' | ',' = '.'): number | undefined {
  let t = text.trim();
  if (decimal === ',') {
    if (t.includes('.')) return undefined;
    t = t.replace(',', '.');
  }
  if (!NUMBER.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

const TRUE = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n']);

/** Reads a yes/no flag (`1/0`, `true/false`, `yes/no`, `y/n`, `t/f`, any case). */
export function parseFlag(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return undefined;
}
