// Numbers and dates as the shop writes them: its locale and currency (from GET /summary), through Intl.
let locale = 'en-GB';
let currency = 'GBP';
let money = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
let money2 = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 });
let units0 = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
let units1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
let pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
let pctPlain = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
let day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
let dayShort = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
let stamp = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Sets the shop's locale and currency (a bad tag or code keeps the previous ones). Without a currency (the workspace
 * has none set) amounts are plain numbers.
 */
export function setShopFormat(l: string, c: string | null): void {
  try {
    const cur: Intl.NumberFormatOptions = c === null ? {} : { style: 'currency', currency: c };
    money = new Intl.NumberFormat(l, { ...cur, maximumFractionDigits: 0 });
    money2 = new Intl.NumberFormat(l, { ...cur, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    units0 = new Intl.NumberFormat(l, { maximumFractionDigits: 0 });
    units1 = new Intl.NumberFormat(l, { maximumFractionDigits: 1 });
    pct = new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
    pctPlain = new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 0 });
    day = new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    dayShort = new Intl.DateTimeFormat(l, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    stamp = new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' });
    locale = l;
    currency = c ?? '';
    document.documentElement.lang = l;
  } catch {
    // keep the previous format
  }
}

export const shopLocale = (): string => locale;
export const shopCurrency = (): string => currency;

const DASH = '–';
const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Money without cents (KPIs, order values). */
export const fmtMoney = (x: number | null | undefined): string => (ok(x) ? money.format(x) : DASH);
/** Money with cents (unit prices). */
export const fmtPrice = (x: number | null | undefined): string => (ok(x) ? money2.format(x) : DASH);
/** Units: whole numbers from 10 up, one decimal below. */
export const fmtUnits = (x: number | null | undefined): string =>
  ok(x) ? (Math.abs(x) >= 10 ? units0.format(x) : units1.format(x)) : DASH;
/** A signed change: 0.123 → "+12.3%". */
export const fmtChange = (x: number | null | undefined): string => (ok(x) ? pct.format(x) : DASH);
/** A share: 0.95 → "95%". */
export const fmtPct = (x: number | null | undefined): string => (ok(x) ? pctPlain.format(x) : DASH);
/** Days of stock: "12 days", "∞" beyond 10 years. */
export const fmtDays = (x: number | null | undefined): string =>
  ok(x) ? (x > 3650 ? '∞' : `${units0.format(x)} ${Math.round(x) === 1 ? 'day' : 'days'}`) : DASH;

/** A YYYY-MM-DD date: "3 Oct 2011". */
export const fmtDate = (iso: string | null | undefined): string =>
  iso ? day.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : DASH;
/** A YYYY-MM-DD date without the year: "3 Oct". */
export const fmtDay = (iso: string | null | undefined): string =>
  iso ? dayShort.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : DASH;
/** A timestamp in the viewer's time zone. */
export const fmtStamp = (iso: string | null | undefined): string => (iso ? stamp.format(new Date(iso)) : DASH);
