/**
 * Wagner–Whitin dynamic lot sizing (Wagner & Whitin 1958; Snyder & Shen §3.6): known demands
 * d_1..d_T, fixed cost K per order, holding cost h per unit carried from one period to the next,
 * no shortages. θ_t = min over s ≤ t of θ_{s−1} + K + h·Σ_{u=s..t} (u − s)·d_u. O(T²).
 */

export interface LotSizingResult {
  /** the quantity ordered at the start of each period */
  orders: Float64Array;
  cost: number;
}

/**
 * The cost-minimal orders for known demands (see the file's comment); each order covers whole
 * periods. Throws a RangeError on negative K, h or demand.
 * @example wagnerWhitin([90, 120, 80, 70], 500, 2) // → { orders: [210, 0, 150, 0], cost: 1380 }
 */
export function wagnerWhitin(demand: ArrayLike<number>, K: number, h: number): LotSizingResult {
  const T = demand.length;
  if (!(K >= 0 && h >= 0)) throw new RangeError(`wagnerWhitin: K and h must be ≥ 0, got ${K}, ${h}`);
  for (let t = 0; t < T; t++) if (!(demand[t]! >= 0)) throw new RangeError(`wagnerWhitin: demand[${t}] must be ≥ 0`);
  const theta = new Float64Array(T + 1);
  const from = new Int32Array(T + 1);
  for (let t = 1; t <= T; t++) {
    theta[t] = Infinity;
    // the order placed in period s (1-based) covers periods s..t; walking s down adds each later period's carrying once
    // more
    let carry = 0;
    let units = 0;
    for (let s = t; s >= 1; s--) {
      carry += units; // every unit already counted (periods s+1..t) is carried one more period
      units += demand[s - 1]!;
      const c = theta[s - 1]! + (units > 0 ? K : 0) + h * carry;
      if (c < theta[t]!) {
        theta[t] = c;
        from[t] = s;
      }
    }
  }
  const orders = new Float64Array(T);
  for (let t = T; t >= 1;) {
    const s = from[t]!;
    let q = 0;
    for (let u = s; u <= t; u++) q += demand[u - 1]!;
    orders[s - 1] = q;
    t = s - 1;
  }
  return { orders, cost: theta[T]! };
}
