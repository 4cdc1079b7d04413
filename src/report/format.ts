/**
 * Plain-text formatting of the plan's numbers, money and dates, independent of the machine's
 * locale and time zone. Nothing here escapes HTML: the report escapes what it writes.
 */
import { DAY_MS } from '../numerics/calendar.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A number with comma thousands separators and a fixed number of decimals, independent of the
 * machine's locale; non-finite values print as '–'. Example: formatNumber(-12345.678, 1) = '-12,345.7'.
 */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? '.' + fraction : '');
}

/** A share 0..1 as a whole percentage; '<1%' for a small positive share. Example: formatPercent(0.724) = '72%'. */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '–';
  if (share > 0 && share < 0.01) return '<1%';
  return `${formatNumber(share * 100)}%`;
}

/** An amount in whole units of the currency, '<£1' below one. Example: formatMoney(1234.5, '£') = '£1,235'. */
export function formatMoney(value: number, currency: string): string {
  if (value > 0 && value < 0.5) return `<${currency}1`;
  return (value < 0 ? '-' : '') + currency + formatNumber(Math.abs(value));
}

/** Days of cover; 'no demand' where stock never runs out. */
export function formatDays(days: number | null): string {
  return days !== null && Number.isFinite(days) ? `${formatNumber(days)} days` : 'no demand';
}

/** Days since 1970-01-01 for a YYYY-MM-DD prefix (UTC, so the machine's time zone never matters); NaN otherwise. */
export function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : NaN;
}

/** '2011-11-05' → '5 Nov 2011' (or '5 Nov'); anything else is returned as it is. */
export function formatDate(iso: string, withYear = true): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m || !MONTHS[Number(m[2]) - 1]) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}${withYear ? ' ' + m[1] : ''}`;
}
