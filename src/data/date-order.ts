import { InputError } from './errors.js';
import { slashDateParts } from './values.js';

/** How dates written with slashes or dots are read: month/day/year or day/month/year. */
export type DateOrder = 'mdy' | 'dmy';

/** A date seen in a file, with its line. */
export interface SeenDate {
  line: number;
  text: string;
}

/**
 * What a file's dates say about their order. A first number over 12 (`13/03/2024`) can only be
 * a day: day-first; a second number over 12 (`03/13/2024`): month-first; `03/04/2024` says nothing.
 */
export interface DateOrderEvidence {
  dayFirst: SeenDate | undefined;
  monthFirst: SeenDate | undefined;
  /** the first slash date that reads both ways */
  ambiguous: SeenDate | undefined;
  slashes: boolean;
  dots: boolean;
}

export function noDateOrderEvidence(): DateOrderEvidence {
  return { dayFirst: undefined, monthFirst: undefined, ambiguous: undefined, slashes: false, dots: false };
}

/** Adds what one date says to the evidence (in place). Text that is not a slash or dot date says nothing. */
export function noteDateOrderInPlace(e: DateOrderEvidence, text: string, line: number): void {
  const p = slashDateParts(text);
  if (p === undefined) return;
  if (p.separator === '/') e.slashes = true;
  else e.dots = true;
  const dayFirst = p.first > 12 && p.second <= 12;
  const monthFirst = p.second > 12 && p.first <= 12;
  if (dayFirst) e.dayFirst ??= { line, text: text.trim() };
  else if (monthFirst) e.monthFirst ??= { line, text: text.trim() };
  else if (p.first <= 12 && p.second <= 12 && p.separator === '/') e.ambiguous ??= { line, text: text.trim() };
}

// "dateOrder" is the library's option; the CLI says --date-order (cli/main.ts maps the field to the flag)
const HOW = `say which with dateOrder dmy or mdy, or "date_order" in a mapping file`;

/**
 * Decides from a whole file's dates how its slash and dot dates are read: day-first when some date
 * can only be day-first, month-first when some can only be month-first. Both is an InputError
 * naming a line of each; neither, with slash dates such as `03/04/2024` in the file, is an
 * InputError asking to say which. Dot dates alone (`04.11.2011`) are day-first, as they are written
 * wherever dots are used. Undefined when the file has no slash or dot date (ISO dates).
 * @example decideDateOrder('f.csv', { dayFirst: { line: 7, text: '13/03/2024' }, … }) // 'dmy'
 */
export function decideDateOrder(file: string, e: DateOrderEvidence): DateOrder | undefined {
  if (e.dayFirst !== undefined && e.monthFirst !== undefined)
    throw new InputError(
      `${file}: dates are written both day first (line ${e.dayFirst.line}: '${e.dayFirst.text}') and month first ` +
        `(line ${e.monthFirst.line}: '${e.monthFirst.text}'); correct the file, or ${HOW} to reject the others`,
      { field: 'dateOrder' },
    );
  if (e.dayFirst !== undefined) return 'dmy';
  if (e.monthFirst !== undefined) return 'mdy';
  if (e.ambiguous !== undefined)
    throw new InputError(
      `${file}: dates such as '${e.ambiguous.text}' (line ${e.ambiguous.line}) read both day first and month ` +
        `first, and no date in the file settles which; ${HOW}`,
      { field: 'dateOrder' },
    );
  return e.dots ? 'dmy' : undefined;
}
