// The forecast fan chart (uPlot): history as a line, the forecast's mean with its 50 % and 90 % bands from the
// stored quantiles, and the days that explain the history shaded (closed, stock-out, promotion, anomaly). Drag to
// zoom, double-click to reset; hovering — or the arrow keys once the chart has focus — shows a day's values in a
// tooltip that screen readers hear (aria-live).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fmtDate, fmtUnits } from '../format';

/** One day (or week) of the chart. */
export interface FanPoint {
  date: string;
  actual?: number | null;
  mean?: number | null;
  /** the forecast before manual overrides, shown dashed where it differs */
  base?: number | null;
  p05?: number | null;
  p25?: number | null;
  p75?: number | null;
  p95?: number | null;
  /** projected stock on hand (a second scale on the right) */
  stock?: number | null;
}

/** Days shaded behind the lines, each a YYYY-MM-DD list. */
export interface FanMarks {
  closed?: readonly string[];
  stockout?: readonly string[];
  promo?: readonly string[];
  anomaly?: readonly string[];
}

const DAY_S = 86_400;
const toX = (iso: string): number => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 1000;
const css = (el: Element, name: string, fallback: string): string =>
  getComputedStyle(el).getPropertyValue(name).trim() || fallback;

export interface FanChartProps {
  points: readonly FanPoint[];
  marks?: FanMarks;
  /** the accessible name: "Daily units of SKU 85123A: history and forecast" */
  label: string;
  /** width of one point in days (1 daily, 7 weekly) */
  stepDays?: number;
  height?: number;
  /** the stock line's name when `stock` is given */
  stockLabel?: string;
  /**
   * the days shown (inclusive, YYYY-MM-DD); null or absent: all (a drag still zooms further). Applied when the
   * object changes: pass a new one to undo a drag.
   */
  range?: { from: string; to: string } | null;
}

const NO_MARKS: FanMarks = {};

export function FanChart({
  points,
  marks = NO_MARKS,
  label,
  stepDays = 1,
  height = 320,
  stockLabel,
  range = null,
}: FanChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [theme, setTheme] = useState(0);
  // the days shown now (after the zoom buttons or a drag), as data-shown-from/-to on the plot
  const [shown, setShown] = useState<[string, string] | null>(null);

  useEffect(() => {
    const onTheme = () => setTheme((n) => n + 1);
    window.addEventListener('shopcast:theme', onTheme);
    return () => window.removeEventListener('shopcast:theme', onTheme);
  }, []);

  useEffect(() => {
    const el = box.current;
    if (el === null || points.length === 0) return;
    const xs = points.map((p) => toX(p.date));
    const col = (k: keyof FanPoint) => points.map((p) => (p[k] ?? null) as number | null);
    const hasBase = points.some((p) => p.base != null && p.mean != null && Math.abs(p.base - p.mean) > 1e-9);
    const hasStock = points.some((p) => p.stock != null);
    const firstForecast = points.findIndex((p) => p.mean != null && p.actual == null);
    const c = {
      text: css(el, '--fg-muted', '#555'),
      grid: css(el, '--grid', '#ddd'),
      actual: css(el, '--chart-actual', '#222'),
      mean: css(el, '--chart-mean', '#1f6feb'),
      band90: css(el, '--chart-band90', 'rgba(31,111,235,0.15)'),
      band50: css(el, '--chart-band50', 'rgba(31,111,235,0.3)'),
      stock: css(el, '--chart-stock', '#b35900'),
      closed: css(el, '--mark-closed', 'rgba(128,128,128,0.18)'),
      stockout: css(el, '--mark-stockout', 'rgba(220,38,38,0.18)'),
      promo: css(el, '--mark-promo', 'rgba(22,163,74,0.18)'),
      anomaly: css(el, '--mark-anomaly', 'rgba(202,138,4,0.25)'),
    };
    const hidden = { stroke: 'transparent', points: { show: false }, width: 0 };
    const series: uPlot.Series[] = [
      {},
      { label: 'sold', stroke: c.actual, width: 1.5, points: { show: false } },
      { label: 'forecast', stroke: c.mean, width: 2, points: { show: false } },
      { label: '5%', ...hidden },
      { label: '25%', ...hidden },
      { label: '75%', ...hidden },
      { label: '95%', ...hidden },
    ];
    const data: (number | null)[][] = [xs, col('actual'), col('mean'), col('p05'), col('p25'), col('p75'), col('p95')];
    if (hasBase) {
      series.push({ label: 'before override', stroke: c.mean, dash: [4, 4], width: 1, points: { show: false } });
      data.push(col('base'));
    }
    if (hasStock) {
      series.push({
        label: stockLabel ?? 'stock',
        stroke: c.stock,
        width: 1.5,
        scale: 'stock',
        points: { show: false },
      });
      data.push(col('stock'));
    }
    const shaded: [readonly string[] | undefined, string][] = [
      [marks.closed, c.closed],
      [marks.stockout, c.stockout],
      [marks.promo, c.promo],
      [marks.anomaly, c.anomaly],
    ];
    const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid } };
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 280),
      height,
      series,
      bands: [
        { series: [6, 3], fill: c.band90 },
        { series: [5, 4], fill: c.band50 },
      ],
      scales: { x: { time: true }, ...(hasStock ? { stock: { range: (_u, lo, hi) => [Math.min(0, lo), hi] } } : {}) },
      axes: [
        { ...axis },
        { ...axis, label: 'units', size: 56 },
        ...(hasStock
          ? [{ ...axis, scale: 'stock', side: 1 as const, grid: { show: false }, label: stockLabel ?? 'stock' }]
          : []),
      ],
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: true } },
      hooks: {
        drawAxes: [
          (u) => {
            const g = u.ctx;
            const top = u.bbox.top;
            const h = u.bbox.height;
            for (const [days, fill] of shaded) {
              if (days === undefined || days.length === 0) continue;
              g.fillStyle = fill;
              for (const d of days) {
                const x0 = u.valToPos(toX(d), 'x', true);
                const x1 = u.valToPos(toX(d) + stepDays * DAY_S, 'x', true);
                if (x1 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) continue;
                g.fillRect(x0, top, Math.max(x1 - x0, 1), h);
              }
            }
            // where the history ends and the forecast begins: a thin dashed line
            if (firstForecast > 0) {
              const x = Math.round(u.valToPos(xs[firstForecast]!, 'x', true));
              if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) {
                g.save();
                g.strokeStyle = c.text;
                g.setLineDash([3, 3]);
                g.lineWidth = 1;
                g.beginPath();
                g.moveTo(x, top);
                g.lineTo(x, top + h);
                g.stroke();
                g.restore();
              }
            }
          },
        ],
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
        setScale: [
          (u, key) => {
            const { min, max } = u.scales[key] ?? {};
            if (key !== 'x' || min == null || max == null) return;
            const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
            setShown([iso(min), iso(max)]);
          },
        ],
      },
    };
    const u = new uPlot(opts, data as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 280), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [points, marks, stepDays, height, theme, stockLabel]);

  // the shown days (the zoom buttons); applied again whenever the plot is made anew
  useEffect(() => {
    const from = range?.from ?? null;
    const to = range?.to ?? null;
    const u = plot.current;
    if (u === null || points.length === 0) return;
    const min = from === null ? toX(points[0]!.date) : toX(from);
    const max = to === null ? toX(points[points.length - 1]!.date) : toX(to);
    u.setScale('x', { min, max: Math.max(max, min + DAY_S) });
  }, [points, marks, stepDays, height, theme, stockLabel, range]);

  // the arrow keys move the cursor day by day; Home/End jump to the ends
  const onKey = (e: KeyboardEvent) => {
    const u = plot.current;
    if (u === null || points.length === 0) return;
    const cur = hover ?? points.findIndex((p) => p.mean != null);
    let next = cur < 0 ? 0 : cur;
    if (e.key === 'ArrowRight') next = Math.min(points.length - 1, next + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, next - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = points.length - 1;
    else return;
    e.preventDefault();
    const left = u.valToPos(toX(points[next]!.date), 'x');
    u.setCursor({ left, top: u.bbox.height / (2 * devicePixelRatio) });
    setHover(next);
  };

  const p = hover === null ? null : points[hover];
  return (
    <figure class="fan-chart">
      <div
        ref={box}
        class="fan-plot"
        tabIndex={0}
        role="img"
        aria-label={label}
        onKeyDown={onKey}
        data-shown-from={shown?.[0]}
        data-shown-to={shown?.[1]}
      />
      <div class="chart-tooltip" data-testid="chart-tooltip" aria-live="polite">
        {p == null ? (
          <span class="muted">Hover the chart or use the arrow keys to read a day's values.</span>
        ) : (
          <dl>
            <div>
              <dt>{stepDays === 7 ? 'Week of' : 'Day'}</dt>
              <dd data-field="date" data-value={p.date}>
                {fmtDate(p.date)}
              </dd>
            </div>
            {p.actual != null && (
              <div>
                <dt>Sold</dt>
                <dd data-field="actual" data-value={p.actual}>
                  {fmtUnits(p.actual)}
                </dd>
              </div>
            )}
            {p.mean != null && (
              <div>
                <dt>Forecast</dt>
                <dd data-field="mean" data-value={p.mean}>
                  {fmtUnits(p.mean)}
                </dd>
              </div>
            )}
            {p.base != null && p.mean != null && Math.abs(p.base - p.mean) > 1e-9 && (
              <div>
                <dt>Before override</dt>
                <dd data-field="base" data-value={p.base}>
                  {fmtUnits(p.base)}
                </dd>
              </div>
            )}
            {p.p25 != null && p.p75 != null && (
              <div>
                <dt>50% range</dt>
                <dd data-field="p50range">
                  {fmtUnits(p.p25)}–{fmtUnits(p.p75)}
                </dd>
              </div>
            )}
            {p.p05 != null && p.p95 != null && (
              <div>
                <dt>90% range</dt>
                <dd data-field="p90range">
                  {fmtUnits(p.p05)}–{fmtUnits(p.p95)}
                </dd>
              </div>
            )}
            {p.stock != null && (
              <div>
                <dt>{stockLabel ?? 'Stock'}</dt>
                <dd data-field="stock" data-value={p.stock}>
                  {fmtUnits(p.stock)}
                </dd>
              </div>
            )}
          </dl>
        )}
      </div>
      <figcaption class="chart-legend">
        <span class="lg lg-actual">sold</span>
        <span class="lg lg-mean">forecast</span>
        <span class="lg lg-band50">50% range</span>
        <span class="lg lg-band90">90% range</span>
        {marks.closed?.length ? <span class="lg lg-closed">closed</span> : null}
        {marks.stockout?.length ? <span class="lg lg-stockout">stock-out</span> : null}
        {marks.promo?.length ? <span class="lg lg-promo">promotion</span> : null}
        {marks.anomaly?.length ? <span class="lg lg-anomaly">anomaly</span> : null}
        <span class="muted">Drag to zoom, double-click to reset.</span>
      </figcaption>
    </figure>
  );
}
