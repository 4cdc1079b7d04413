/**
 * Customers' purchase histories as the customer-base models read them (Fader, Hardie & Lee 2005): per customer the
 * number of repeat purchases x (purchases after the first), the time of the last one since the first, t_x (0 without
 * repeats), and the time from the first purchase to the end of the period observed, T, one column each, in one unit
 * of time (the workspace: days). A purchase is a day with a sale (several orders on one day are one purchase, as the
 * models' Poisson process has no two events at once).
 */
import { nelderMead } from '../numerics/nelder-mead.js';

/** Per customer, columns of equal length. */
export interface CustomerHistories {
  /** repeat purchases x */
  frequency: Float64Array;
  /** t_x: time of the last purchase since the first (0 when x = 0) */
  recency: Float64Array;
  /** T: time from the first purchase to the end of the period */
  T: Float64Array;
}

/**
 * Checks that the columns have one length and hold valid histories: x a whole number ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when
 * x = 0 and t_x > 0 when x > 0 (T may be 0: a customer first seen on the last day). Throws a RangeError naming the
 * first bad customer (index). Returns the number of customers.
 * @example
 * checkHistories({ frequency: Float64Array.of(2), recency: Float64Array.of(30.43), T: Float64Array.of(38.86) }) // 1
 */
export function checkHistories(h: CustomerHistories): number {
  const n = h.frequency.length;
  if (h.recency.length !== n || h.T.length !== n)
    throw new RangeError('customer histories: frequency, recency and T must have one length');
  for (let i = 0; i < n; i++) {
    const [x, tx, T] = [h.frequency[i]!, h.recency[i]!, h.T[i]!];
    const ok = Number.isInteger(x) && x >= 0 && tx >= 0 && tx <= T && (x === 0 ? tx === 0 : tx > 0);
    if (!ok) throw new RangeError(`customer histories: customer ${i} has x ${x}, t_x ${tx}, T ${T}`);
  }
  return n;
}

/** A fit of a customer model: its parameters, the log-likelihood at them and the number of customers. */
export interface CustomerFit<P> {
  params: P;
  logLik: number;
  customers: number;
}

/**
 * Maximises a log-likelihood over positive parameters: Nelder–Mead on their logarithms (R's optim defaults, reltol
 * 1e-12), restarted from its own optimum until the log-likelihood stops improving by 1e-9 (Nash 1990: a restart
 * rebuilds a collapsed simplex). O(evaluations · cost(ll)).
 */
export function maximiseLogLik(ll: (p: Float64Array) => number, start: readonly number[]): Float64Array {
  const f = (v: Float64Array): number => -ll(v.map(Math.exp));
  let x: Float64Array = Float64Array.from(start, Math.log);
  let best = f(x);
  for (let round = 0; round < 10; round++) {
    const r = nelderMead(f, x, { reltol: 1e-12, maxit: 5000 });
    const gained = best - r.value;
    if (r.value < best) [x, best] = [r.x, r.value];
    if (!(gained > 1e-9)) break;
  }
  return x.map(Math.exp);
}

/** ln(e^a + e^b) without overflow. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * Σ over the customers of one customer's log-likelihood f(x, t_x, T). O(customers · cost(f)).
 * @example logLikOver(histories, (x, tx, T) => customerLogLik(params, x, tx, T))
 */
export function logLikOver(h: CustomerHistories, f: (x: number, tx: number, T: number) => number): number {
  let s = 0;
  for (let i = 0; i < h.frequency.length; i++) s += f(h.frequency[i]!, h.recency[i]!, h.T[i]!);
  return s;
}

/**
 * Fits a model of four positive parameters by maximum likelihood from (1, 1, 1, 1): `of` names them, `customer` is
 * one customer's log-likelihood. Throws a RangeError for invalid histories.
 * @example fitFourParameters(h, (v) => ({ r: v[0], alpha: v[1], a: v[2], b: v[3] }), customerLogLik)
 */
export function fitFourParameters<P>(
  h: CustomerHistories,
  of: (v: ArrayLike<number>) => P,
  customer: (p: P, x: number, tx: number, T: number) => number,
): CustomerFit<P> {
  const n = checkHistories(h);
  const ll = (p: P): number => logLikOver(h, (x, tx, T) => customer(p, x, tx, T));
  const params = of(maximiseLogLik((v) => ll(of(v)), [1, 1, 1, 1]));
  return { params, logLik: ll(params), customers: n };
}
