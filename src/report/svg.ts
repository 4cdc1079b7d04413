/**
 * Small pure helpers that draw charts as inline SVG strings: linear scales, nice ticks, line and
 * band paths, axes and escaping. No DOM, no dependencies; every coordinate written is finite.
 */

/** A linear map from a domain to a range, plus the domain it was built on. */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** A tick on an axis: its pixel position and its label. */
export interface AxisTick {
  at: number;
  label: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five XML/HTML special characters, for text and attribute values alike. */
export function escapeXml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A coordinate as text with at most one decimal; non-finite values become 0 so no NaN leaks. */
export function coord(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 10) / 10;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * The linear scale r0 + (v − d0)·(r1 − r0)/(d1 − d0). A zero-width domain maps every value to the
 * middle of the range instead of dividing by zero. Example: linearScale([0, 10], [0, 100])(5) = 50.
 */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const ok = Number.isFinite(span) && span !== 0;
  const scale = (value: number): number => (ok ? r0 + ((value - d0) * (r1 - r0)) / span : (r0 + r1) / 2);
  return Object.assign(scale, { domain: [d0, d1] as const, range: [r0, r1] as const });
}

/** The "nice" step (1, 2 or 5 × 10^k) nearest above span / count (Heckbert, Graphics Gems, 1990). */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span) || !(count > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * A domain widened outward to whole nice steps, with its ticks; [min, max] = [0, 0] gives [0, 1].
 * Example: niceTicks(0, 93, 5) → { domain: [0, 100], ticks: [0, 20, 40, 60, 80, 100] }.
 */
export function niceTicks(min: number, max: number, count = 5): { domain: [number, number]; ticks: number[] } {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : lo;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.5;
  const step = niceStep(hi - lo, count);
  const start = Math.floor(lo / step);
  const stop = Math.ceil(hi / step);
  const ticks: number[] = [];
  // Multiplying whole step counts (not adding steps) keeps 0.1 + 0.2 style drift out of labels.
  for (let i = start; i <= stop; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
}

/**
 * An SVG path through the points (x[i], y[i]); a non-finite y breaks the line, so missing values
 * show as gaps. Returns '' when there is nothing to draw. O(n).
 */
export function linePath(xs: readonly number[], ys: readonly number[]): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${coord(x)},${coord(y)}`;
    pen = true;
  }
  return d;
}

/**
 * A closed SVG path filling the area between two series: along `upper` left to right, back along
 * `lower`. One point becomes a bar `halfWidth` wide each side so it stays visible. O(n).
 */
export function bandPath(
  xs: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  halfWidth = 3,
): string {
  const idx = xs.map((_, i) => i).filter((i) => [xs[i]!, lower[i]!, upper[i]!].every(Number.isFinite));
  if (idx.length === 0) return '';
  if (idx.length === 1) {
    const i = idx[0]!;
    const x0 = xs[i]! - halfWidth;
    const x1 = xs[i]! + halfWidth;
    return (
      `M${coord(x0)},${coord(upper[i]!)}L${coord(x1)},${coord(upper[i]!)}` +
      `L${coord(x1)},${coord(lower[i]!)}L${coord(x0)},${coord(lower[i]!)}Z`
    );
  }
  const top = idx.map((i) => `${coord(xs[i]!)},${coord(upper[i]!)}`);
  const bottom = idx.reverse().map((i) => `${coord(xs[i]!)},${coord(lower[i]!)}`);
  return `M${top.join('L')}L${bottom.join('L')}Z`;
}

/** An SVG `<text>` element with escaped content; `attrs` are written as given (already safe). */
export function svgText(x: number, y: number, text: string, attrs = ''): string {
  return `<text x="${coord(x)}" y="${coord(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(text)}</text>`;
}

/** A straight SVG line from (x1, y1) to (x2, y2) with the given class. */
export function svgLine(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${escapeXml(cls)}" x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}"/>`;
}

/** Horizontal grid lines from `left` to `right` with labels right-aligned just left of `left`. */
export function yAxis(ticks: readonly AxisTick[], left: number, right: number): string {
  return ticks
    .map(
      (t) =>
        svgLine(left, t.at, right, t.at, 'grid') +
        svgText(left - 6, t.at + 3.5, t.label, 'class="tick" text-anchor="end"'),
    )
    .join('');
}

/** Tick marks and centred labels under the baseline at `bottom`; the outer labels hug the edges. */
export function xAxis(ticks: readonly AxisTick[], left: number, right: number, bottom: number): string {
  const marks = ticks.map((t, i) => {
    const anchor =
      ticks.length > 1 && i === 0 && t.at - left < 24
        ? 'start'
        : ticks.length > 1 && i === ticks.length - 1 && right - t.at < 24
          ? 'end'
          : 'middle';
    return (
      svgLine(t.at, bottom, t.at, bottom + 4, 'axis') +
      svgText(t.at, bottom + 16, t.label, `class="tick" text-anchor="${anchor}"`)
    );
  });
  return svgLine(left, bottom, right, bottom, 'axis') + marks.join('');
}

/** Up to `max` indices 0, k, 2k, … < n with the smallest whole step k that fits, for evenly spaced labels. */
export function spreadIndices(n: number, max: number): number[] {
  if (n <= 0 || max <= 0) return [];
  const step = max === 1 ? n : Math.max(1, Math.ceil((n - 1) / (max - 1)));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  return out;
}
