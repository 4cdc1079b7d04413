import type { ScenarioTables } from './policies.js';
import { expectedExcessSorted } from './lead-time-demand.js';

/**
 * Order quantities under supplier constraints, and a budget cap filled by the expected value of
 * each extra pack (a greedy marginal-analysis allocation, as in Silver, Pyke & Thomas §7.4 for
 * budget-constrained safety stocks).
 */

/**
 * Rounds a wanted quantity to what can be ordered: nothing (wanted ≤ 0), or at least the MOQ, in
 * whole packs (rounded up).
 * @example [roundOrder(13, 20, 6), roundOrder(13, 0, 6), roundOrder(0, 20, 6)] // [24, 18, 0]
 */
export function roundOrder(wanted: number, moq = 0, pack = 1): number {
  if (!(wanted > 1e-9)) return 0;
  const p = pack > 0 ? pack : 1;
  const q = Math.max(wanted, moq);
  return Math.ceil(q / p - 1e-9) * p;
}

/**
 * Whether `quantity` can be ordered from a supplier with minimum order `moq` and packs of `pack`: 0 (nothing), or at
 * least the MOQ in whole packs.
 * @example [isValidOrder(24, 20, 6), isValidOrder(18, 20, 6), isValidOrder(0, 20, 6)] // [true, false, true]
 */
export function isValidOrder(quantity: number, moq = 0, pack = 1): boolean {
  if (quantity === 0) return true;
  // packs of 1 (or none given) constrain nothing: whole units are the caller's rule for goods sold in units
  const inPacks = pack > 0 && pack !== 1 ? Math.abs(quantity / pack - Math.round(quantity / pack)) < 1e-9 : true;
  return quantity >= moq - 1e-9 && inPacks;
}

/**
 * The valid order (at least the MOQ, whole packs: `roundOrder`'s set) nearest to `quantity` > 0; of two as near, the
 * larger (a planner asking for more than the supplier's step wants the stock rather than the shortage).
 * @example [nearestValidOrder(10, 24, 6), nearestValidOrder(40, 24, 6), nearestValidOrder(38, 24, 6)] // [24, 42, 36]
 */
export function nearestValidOrder(quantity: number, moq = 0, pack = 1): number {
  if (!(pack > 0) || pack === 1) return Math.max(quantity, moq);
  const p = pack;
  const least = roundOrder(Math.max(moq, p), moq, p);
  const down = Math.max(least, Math.floor(quantity / p + 1e-9) * p);
  const up = Math.max(least, Math.ceil(quantity / p - 1e-9) * p);
  return quantity - down < up - quantity ? down : up;
}

/** One wanted order competing for the budget in `allocateBudget`; costs in currency, quantities in units. */
export interface BudgetItem {
  /** the order the policy wants, already rounded */
  quantity: number;
  /** purchase cost of one unit */
  unitCost: number;
  /** units one step adds: the pack size */
  pack: number;
  /** the first step's size: max(MOQ, pack) rounded to packs */
  firstStep: number;
  /** inventory position before the order */
  position: number;
  /** cost of one unit short; holding cost of one unit over a cycle */
  shortageCost: number;
  holdingPerCycle: number;
  /** the SKU's demand scenarios (`scenarioTables`): what each step is expected to serve */
  tables: ScenarioTables;
}

/** What one item gets from `allocateBudget`. */
export interface BudgetLine {
  /** the item's index in the input */
  index: number;
  /** units granted within the budget */
  quantity: number;
  /** the steps' expected value per currency unit, in the order granted */
  value: number;
  /** the rank of its first step in the purchase list (1 first) */
  priority: number;
}

/**
 * Expected value of raising the inventory position from a to b: the shortage cost of the
 * protection-period demand the extra units serve, minus the holding of the units expected to be
 * left over. E[(D − x)+] is convex in x, so each further step of a SKU is worth no more than the one before.
 */
function stepValue(it: BudgetItem, a: number, b: number): number {
  const p = it.tables.protection;
  const served = expectedExcessSorted(p.sorted, p.suffix, a) - expectedExcessSorted(p.sorted, p.suffix, b);
  return it.shortageCost * served - it.holdingPerCycle * Math.max(0, b - a - served);
}

/**
 * Fills a budget with the steps (MOQ first, then packs) of the wanted orders in order of expected
 * value per currency unit; no SKU gets more than it wants. Returns one line per item with what it
 * gets, and its priority. O(steps log steps).
 * @example
 * const item = { pack: 10, firstStep: 10, position: 0, holdingPerCycle: 0.05, tables: t }; // t: scenarioTables(…)
 * const lines = allocateBudget([
 *   { ...item, quantity: 20, unitCost: 2, shortageCost: 3 }, { ...item, quantity: 10, unitCost: 5, shortageCost: 1 },
 * ], 45);
 * // the first, worth more per currency unit, gets its 20 units (40, priority 1); the second's step (50) no longer fits
 */
export function allocateBudget(items: readonly BudgetItem[], budget: number): BudgetLine[] {
  interface Step {
    index: number;
    units: number;
    cost: number;
    ratio: number;
    seq: number;
  }
  const steps: Step[] = [];
  for (const [index, it] of items.entries()) {
    let granted = 0;
    let seq = 0;
    while (granted < it.quantity - 1e-9) {
      const units = granted === 0 ? Math.min(it.firstStep, it.quantity) : Math.min(it.pack, it.quantity - granted);
      const v = stepValue(it, it.position + granted, it.position + granted + units);
      const cost = units * it.unitCost;
      steps.push({ index, units, cost, ratio: cost > 0 ? v / cost : Infinity, seq: seq++ });
      granted += units;
    }
  }
  // a SKU's steps must be taken in order: its ratio sequence is made non-increasing (a later step is worth no more than
  // an earlier one)
  for (let i = 1; i < steps.length; i++)
    if (steps[i]!.index === steps[i - 1]!.index && steps[i]!.ratio > steps[i - 1]!.ratio)
      steps[i]!.ratio = steps[i - 1]!.ratio;
  steps.sort((a, b) => b.ratio - a.ratio || a.index - b.index || a.seq - b.seq);
  const lines: BudgetLine[] = items.map((_, index) => ({ index, quantity: 0, value: 0, priority: 0 }));
  const blocked = new Set<number>();
  let spent = 0;
  let rank = 0;
  for (const s of steps) {
    if (blocked.has(s.index)) continue;
    if (spent + s.cost > budget + 1e-9) {
      blocked.add(s.index); // its later steps would skip this one
      continue;
    }
    spent += s.cost;
    const line = lines[s.index]!;
    if (line.quantity === 0) line.priority = ++rank;
    line.quantity += s.units;
    line.value += s.cost > 0 ? s.ratio * s.cost : 0; // a free step (unit cost 0) adds units, not spend-weighted value
  }
  return lines;
}
