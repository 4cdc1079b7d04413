/**
 * What to do about an order line and why, in a merchant's words (units, days of stock, money);
 * the technical reason (reorder point, EOQ, MOQ, packs, stage, budget) stays in its own column.
 * One text for orders.csv (`why`) and report.html.
 */
import { formatDate, formatMoney, formatNumber } from './format.js';

/** The facts of an order line the words are made from (a PlanOrder has them all). */
export interface OrderFacts {
  order_qty: number;
  order_by: string;
  /** days the stock on hand + on order lasts at the forecast mean; null when it never runs out */
  cover_days: number | null;
  stockout_risk: number;
  /** the technical reason, whose EOQ, MOQ, pack, stage and budget notes are put into words */
  reason: string;
  on_hand: number;
  on_order: number;
  reorder_point: number;
  unit_cost: number;
  stockout_date: string | null;
  lost_units: number;
  lost_revenue: number;
  expedite: boolean;
  held_back: boolean;
}

const units = (n: number): string => `${formatNumber(n)} ${Math.abs(n) === 1 ? 'unit' : 'units'}`;

/** A whole number of days as days or weeks, e.g. 45 → 'about 6 weeks'. */
function span(days: number): string {
  if (days < 14)
    return `about ${formatNumber(Math.max(1, Math.round(days)))} ${Math.round(days) <= 1 ? 'day' : 'days'}`;
  if (days < 120) return `about ${formatNumber(Math.round(days / 7))} weeks`;
  return `about ${formatNumber(Math.round(days / 30.44))} months`;
}

/** Sales a day at the forecast mean, from the stock position and its cover (undefined when they do not tell). */
function dailySales(o: OrderFacts): number | undefined {
  const position = o.on_hand + o.on_order;
  return o.cover_days !== null && o.cover_days > 0 && position > 0 ? position / o.cover_days : undefined;
}

/** The expedite sentence: when stock runs out, and the units and money lost before an order can arrive. */
export function lateWords(o: OrderFacts, currency: string): string {
  const when = o.stockout_date !== null ? `around ${formatDate(o.stockout_date)}` : 'soon';
  const lost =
    o.lost_units > 0
      ? `: about ${units(Math.round(o.lost_units))} (${formatMoney(o.lost_revenue, currency)}) of sales lost`
      : '';
  return `Stock runs out ${when}, before an order can arrive${lost}.`;
}

/**
 * What to do and why, lead first: the action (order, expedite, deferred, held back), the stock and
 * how long it lasts, the chance of running out, then the lot, minimum, packs, stage and budget
 * notes of the technical reason in plain words.
 * @example orderWhy(order, '£') // 'Order 240 units (£312) by 5 Nov 2011. You have 95 in stock, about 16 days …'
 */
export function orderWhy(o: OrderFacts, currency: string): string {
  const out: string[] = [];
  const money = formatMoney(o.order_qty * o.unit_cost, currency);
  const by = formatDate(o.order_by);
  if (o.held_back)
    out.push(
      `Held back, not suggested: ${o.order_qty > 0 ? units(o.order_qty) : 'the order'} would be far more than ` +
        `this product has ever sold. Check its sales data before ordering any.`,
    );
  else if (o.order_qty <= 0) out.push(`Not ordered now: it does not fit the budget.`);
  else if (o.expedite) out.push(`Order ${units(o.order_qty)} (${money}) now and ask for the fastest delivery.`);
  else out.push(`Order ${units(o.order_qty)} (${money}) by ${by}.`);
  const position = o.on_hand + o.on_order;
  const have =
    position <= 0
      ? 'You have none in stock or on order'
      : `You have ${formatNumber(o.on_hand)} in stock` +
        (o.on_order > 0 ? ` and ${formatNumber(o.on_order)} on order` : '') +
        (o.cover_days !== null ? `, ${span(o.cover_days)} of sales` : ', with no sales expected');
  out.push(
    have +
      (Math.ceil(o.reorder_point) >= 1
        ? `; to be safe until a delivery could arrive you need ${units(Math.ceil(o.reorder_point))}.`
        : '.') +
      (o.stockout_risk >= 0.01
        ? ` Without this order the chance of running out is ${formatNumber(o.stockout_risk * 100)} %.`
        : ''),
  );
  if (o.expedite) out.push(lateWords(o, currency));
  const rate = dailySales(o);
  const eoq = /EOQ (\d+)/.exec(o.reason);
  if (eoq && o.order_qty > 0)
    out.push(
      `A larger lot${rate !== undefined ? ` (${span(o.order_qty / rate)} of sales)` : ''} costs less overall ` +
        `than small, frequent orders.`,
    );
  const moq = /MOQ (\d+)/.exec(o.reason);
  if (moq) out.push(`Raised to the supplier's minimum order of ${units(Number(moq[1]))}.`);
  const raised = /raised by (\d+) to meet the supplier's minimum order/.exec(o.reason);
  if (raised)
    out.push(
      /^not due yet/.test(o.reason)
        ? `Not due yet: added so that the order to this supplier reaches its minimum, as it runs out first.`
        : `${units(Number(raised[1]))} of it added so that the order to this supplier reaches its minimum.`,
    );
  const pack = /packs of (\d+)/.exec(o.reason);
  if (pack) out.push(`Rounded up to whole packs of ${formatNumber(Number(pack[1]))}.`);
  const cut = /cut from (\d+)/.exec(o.reason);
  if (cut) out.push(`Cut from ${units(Number(cut[1]))} to fit the budget.`);
  const stage = /stage (decline|dormant)/.exec(o.reason);
  if (stage)
    out.push(
      stage[1] === 'decline'
        ? 'Sales are falling: check before buying.'
        : 'Sales have almost stopped: check before buying.',
    );
  return out.join(' ');
}
