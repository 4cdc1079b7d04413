// The Orders page's rules, kept pure so they stay fast and checkable: an order quantity against the supplier's MOQ
// and pack size (the same rule the service enforces), and which lines a budget funds.

/** A quantity the supplier accepts: 0 (no order), or at least the MOQ in whole packs (packs of 1 constrain nothing). */
export function isValidQuantity(q: number, moq: number, pack: number): boolean {
  if (q === 0) return true;
  const inPacks = pack > 1 ? Math.abs(q / pack - Math.round(q / pack)) < 1e-9 : true;
  return q >= moq - 1e-9 && inPacks;
}

/**
 * The valid quantity nearest to `q` > 0: below the MOQ, the MOQ rounded up to whole packs; otherwise the nearer whole
 * pack, the larger of two as near (the service's `suggested` follows the same rule).
 * @example [nearestValidQuantity(10, 24, 6), nearestValidQuantity(40, 24, 6), nearestValidQuantity(38, 24, 6)]
 * // [24, 42, 36]
 */
export function nearestValidQuantity(q: number, moq: number, pack: number): number {
  if (!(pack > 1)) return Math.max(q, moq);
  const least = Math.ceil(Math.max(moq, pack) / pack - 1e-9) * pack;
  const down = Math.max(least, Math.floor(q / pack + 1e-9) * pack);
  const up = Math.max(least, Math.ceil(q / pack - 1e-9) * pack);
  return q - down < up - q ? down : up;
}

/** What typing `text` into a quantity field means: the number, or why it cannot be ordered and what would be. */
export type QuantityCheck = { ok: true; quantity: number } | { ok: false; message: string; suggested: number | null };

/** Checks a typed quantity against the MOQ and pack size (null when the service does not give them). */
export function checkQuantity(text: string, moq: number | null, pack: number | null): QuantityCheck {
  const t = text.trim();
  const q = Number(t);
  if (t === '' || !Number.isFinite(q) || q < 0)
    return { ok: false, message: 'Enter a number of units, 0 or more', suggested: null };
  const m = moq ?? 0;
  const p = pack ?? 1;
  if (isValidQuantity(q, m, p)) return { ok: true, quantity: q };
  const s = nearestValidQuantity(q, m, p);
  if (q < m) return { ok: false, message: `MOQ ${m}: rounded up to ${s}`, suggested: s };
  return { ok: false, message: `Packs of ${p}: rounded ${s > q ? 'up' : 'down'} to ${s}`, suggested: s };
}

/** One order line as the budget sees it. */
export interface BudgetLine {
  /** money the line costs (final quantity × unit cost) */
  value: number;
  /** expected revenue lost to stock-outs without the order (null: not given) */
  lostRevenue: number | null;
  /** chance of a stock-out without the order, 0–1 (null: not given) */
  risk: number | null;
  /** the day stock runs out, YYYY-MM-DD (null: not within the horizon) */
  stockoutDate: string | null;
}

/** The budget rule in one sentence, shown beside the slider. */
export const BUDGET_RULE =
  'Lines are funded in order of expected lost revenue avoided per unit of money (lost revenue ÷ order value), ' +
  'then by stock-out risk and the earliest stock-out date; a line that no longer fits is left out and cheaper ' +
  'lines after it may still fit.';

/**
 * The order in which a budget funds the lines (indices into `lines`): most expected lost revenue per unit of money
 * first; ties (and lines without a lost revenue) by stock-out risk, then earliest stock-out date. Lines that cost
 * nothing come first. O(n log n), computed once per set of lines.
 */
export function budgetPriority(lines: readonly BudgetLine[]): Int32Array {
  const n = lines.length;
  const score = new Float64Array(n);
  const risk = new Float64Array(n);
  const date = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const l = lines[i]!;
    score[i] = l.value > 0 ? Math.max(l.lostRevenue ?? 0, 0) / l.value : Infinity;
    risk[i] = l.risk ?? 0;
    date[i] = l.stockoutDate ?? '9999-12-31';
  }
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  return idx.sort(
    (a, b) =>
      score[b]! - score[a]! || risk[b]! - risk[a]! || (date[a]! < date[b]! ? -1 : date[a]! > date[b]! ? 1 : 0) || a - b,
  );
}

/**
 * Which lines a budget funds: walks `order` (from budgetPriority) and keeps each line whose value still fits what is
 * left (greedy by priority; a line that does not fit is skipped, later cheaper ones may fit). O(n) per budget, so a
 * slider can call it on every move. Returns a 0/1 mask by line index and the money spent.
 */
export function fundLines(
  lines: readonly BudgetLine[],
  order: Int32Array,
  budget: number,
): { funded: Uint8Array; spent: number } {
  const funded = new Uint8Array(lines.length);
  let left = budget + 1e-6;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const v = Math.max(lines[i]!.value, 0);
    if (v <= left) {
      funded[i] = 1;
      left -= v;
    }
  }
  return { funded, spent: budget + 1e-6 - left };
}
