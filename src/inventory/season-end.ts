/**
 * When a seasonal product's season ends, read from its own history a year earlier, so that an
 * order lot sized for the season's peak rate (the EOQ) does not outlive the season: Christmas
 * lights bought on 5 November for months of November's rate are still on the shelf in March.
 */

/** How `seasonEndDay` reads the year-ago profile. */
export interface SeasonEndOptions {
  /** days a dip must last to count as the season's end (default 56: eight weeks) */
  span?: number;
  /** a dip is a year-ago demand below this share of the year's mean daily demand (default 0.25) */
  share?: number;
  /** a seasonal product's best `span` days a year ago sell at least this multiple of the year's mean (default 2) */
  peak?: number;
  /** the furthest day looked at (default 182) */
  maxDays?: number;
}

/** Mean of the known (finite) values of x[from, to) and the share of them that are known; [0, 0] when empty. */
function knownMean(x: Float64Array, from: number, to: number): [mean: number, known: number] {
  let s = 0;
  let k = 0;
  for (let t = from; t < to; t++) {
    const v = x[t]!;
    if (Number.isFinite(v)) {
      s += v;
      k++;
    }
  }
  return k > 0 ? [s / k, k / (to - from)] : [0, 0];
}

/**
 * Days from the first day after `history` until the product's season ends, or null when its
 * history shows no season (or too little of it). The year ago is 364 days back (the same weekday).
 * A product is seasonal when, over its last 364 days, its best `span`-day stretch sold at least
 * `peak` × its mean daily demand and some stretch of `span` days sold under `share` × that mean; its
 * season then ends at the first day d (0 … maxDays) whose year-ago stretch [d − 364, d − 364 + span)
 * is such a dip (at least 80 % of its days known; days before the history are skipped), provided the
 * year ago was in season before it: at least 14 known days before d selling above the year's mean. A
 * product out of season today, or one that merely grew since a quiet year ago, gets null. Needs 182
 * known days in the last year. O(364 · span).
 * @example
 * // sold 10 a day in November–December a year ago, 0.2 a day the rest of the year; today is 5 November
 * seasonEndDay(history) // ≈ 56: the season ends in late December
 */
export function seasonEndDay(history: Float64Array, o: SeasonEndOptions = {}): number | null {
  const span = o.span ?? 56;
  const share = o.share ?? 0.25;
  const peak = o.peak ?? 2;
  const maxDays = Math.min(o.maxDays ?? 182, 364 - span);
  const n = history.length;
  const from = Math.max(0, n - 364);
  const [yearMean, yearKnown] = knownMean(history, from, n);
  if (yearKnown * (n - from) < 182 || !(yearMean > 0)) return null;
  let best = 0;
  let worst = Infinity;
  for (let t = from; t + span <= n; t += 7) {
    const [m, k] = knownMean(history, t, t + span);
    if (k < 0.8) continue;
    best = Math.max(best, m);
    worst = Math.min(worst, m);
  }
  if (!(best >= peak * yearMean && worst < share * yearMean)) return null;
  const start = Math.max(0, 364 - n);
  for (let d = start; d <= maxDays; d++) {
    const t = n + d - 364;
    const [m, k] = knownMean(history, t, t + span);
    if (!(k >= 0.8 && m < share * yearMean)) continue;
    // in season a year ago until then: the known days before the dip sold above the year's mean
    const [before, kb] = knownMean(history, n + start - 364, t);
    return kb * (d - start) >= 14 && before > yearMean ? d : null;
  }
  return null;
}
