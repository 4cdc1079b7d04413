/** Small text formatting helpers for the CLI's human-readable output. */
import type { CleaningRuleCount } from '../store/cleaning-report.js';

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtNum(n: number | null, digits = 2): string {
  if (n === null) return '';
  return Number.isInteger(n) ? fmtInt(n) : n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * Label and value lines with the values in one column.
 * @example labelled([['Orders:', 'o.csv'], ['Forecasts:', 'f.csv']]) // ['Orders:    o.csv', 'Forecasts: f.csv']
 */
export function labelled(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => label.padEnd(width) + value);
}

/** Renders rows as an aligned text table; numeric columns are right-aligned. */
export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '' : typeof c === 'number' ? fmtNum(c) : c)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || r[j] === null));
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export { csvField } from '../data/csv-format.js';
/** Rounded to 2 decimals for display. */
export const r2 = (v: number): number => Math.round(v * 100) / 100;

/** Rounded to 4 decimals for display. */
export const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** The cleaning report as a table: rule, rows, units and what the rule means. */
export function cleaningTable(detail: readonly CleaningRuleCount[]): string {
  return table(
    ['rule', 'rows', 'units', 'what it means'],
    detail.map((r) => [r.rule, r.rows, Math.round(r.units), r.description]),
  );
}
