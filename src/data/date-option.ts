/**
 * A date typed by a person as an option (`--as-of`, `--date`): ISO `YYYY-MM-DD` (a time of day is
 * allowed and dropped), or a slash or dot date only when its reading is certain. `04/11/2011` is
 * 4 November in most of the world and April 11 in the US: a file can be read as a whole to decide
 * (the ingest does), a single option cannot, so such a date is refused rather than guessed.
 */
import { InputError } from './errors.js';
import { parseTimestamp } from './values.js';

const SLASH = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$/;

/**
 * The date of an option as `YYYY-MM-DD`; an unreadable or ambiguous date is an `InputError` naming
 * `field`. A slash or dot date is read only when one of its first two numbers is above 12 (so it can
 * only be the day) or both are equal.
 * @example parseDateOption('2011-11-04') // '2011-11-04'
 * parseDateOption('25/12/2011') // '2011-12-25'
 * parseDateOption('04/11/2011') // InputError: ambiguous, use 2011-11-04 or 2011-04-11
 */
export function parseDateOption(text: string, field = 'asOf'): string {
  const t = text.trim();
  const m = SLASH.exec(t);
  if (m !== null) {
    const a = +m[1]!;
    const b = +m[3]!;
    if (a <= 12 && b <= 12 && a !== b) {
      const pad = (n: number): string => String(n).padStart(2, '0');
      throw new InputError(
        `${field}: '${text}' is ambiguous (day ${a} of month ${b}, or month ${a} day ${b}?): write it as ` +
          `YYYY-MM-DD, ${m[4]}-${pad(b)}-${pad(a)} or ${m[4]}-${pad(a)}-${pad(b)}`,
        { field },
      );
    }
    const ts = parseTimestamp(t, a > 12 ? 'dmy' : 'mdy');
    if (ts !== undefined) return ts.slice(0, 10);
  } else {
    const ts = parseTimestamp(t);
    if (ts !== undefined) return ts.slice(0, 10);
  }
  throw new InputError(`${field}: unreadable date '${text}' (write it as YYYY-MM-DD)`, { field });
}
