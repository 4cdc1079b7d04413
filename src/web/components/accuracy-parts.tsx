// The Accuracy page's parts: the figures of `GET /accuracy` as a table (one row per week, class or horizon step),
// forecast against actual week by week as a chart (uPlot), and the metrics' names and meanings.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import { fmtChange, fmtDay, fmtPct, fmtUnits } from '../format';

/** One row of `GET /accuracy` (src/store/monitor.ts AccuracyRow). */
export interface AccuracyRow {
  key: string;
  n: number;
  actual: number;
  wape: number | null;
  mase: number | null;
  bias: number | null;
  pinball: number | null;
  coverage50: number | null;
  coverage90: number | null;
  coverage99: number | null;
}

/** Σ forecast of a row: bias = Σ(f − a) / Σa, so Σf = Σa (1 + bias). */
export const forecastTotal = (r: AccuracyRow): number | null => (r.bias === null ? null : r.actual * (1 + r.bias));

const mase = (x: number | null): string => (x === null ? '–' : x.toFixed(2));

type Col = [key: keyof AccuracyRow, name: string, fmt: (x: number | null) => string, title: string];
const COLS: Col[] = [
  ['n', 'Scored', (x) => fmtUnits(x), 'forecasts scored (product × day × run)'],
  ['actual', 'Sold', (x) => fmtUnits(x), 'units sold on the days scored'],
  ['wape', 'WAPE', fmtPct, 'weighted absolute percentage error: Σ|actual − forecast| / Σ actual (lower is better)'],
  ['mase', 'MASE', mase, 'mean absolute scaled error: below 1 beats a seasonal naive forecast'],
  ['bias', 'Bias', fmtChange, 'Σ(forecast − actual) / Σ actual: positive means forecasts were too high'],
  ['coverage50', '50% range', fmtPct, 'share of the days whose sales fell inside the 50 % range (ideal 50 %)'],
  ['coverage90', '90% range', fmtPct, 'share of the days whose sales fell inside the 90 % range (ideal 90 %)'],
];

/** The figures of `rows`, one row per group, in a scrolling container. */
export function MetricsTable({
  rows,
  keyName,
  label,
  keyText = (k) => k,
  testid,
}: {
  rows: readonly AccuracyRow[];
  keyName: string;
  label: string;
  keyText?: (key: string) => string;
  testid: string;
}) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table data-testid={testid}>
        <thead>
          <tr>
            <th scope="col">{keyName}</th>
            {COLS.map(([k, name, , title]) => (
              <th key={k} scope="col" class="num" title={title}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{keyText(r.key)}</th>
              {COLS.map(([k, , fmt]) => (
                <td key={k} class="num" data-metric={k} data-value={r[k] ?? ''}>
                  {fmt(r[k] as number | null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the columns mean, once, below the tables. */
export function MetricsLegend() {
  return (
    <dl class="metrics-legend">
      {COLS.slice(2).map(([k, name, , title]) => (
        <div key={k}>
          <dt>{name}</dt>
          <dd>{title}</dd>
        </div>
      ))}
    </dl>
  );
}

const toX = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 1000;
const css = (el: Element, name: string, fallback: string): string =>
  getComputedStyle(el).getPropertyValue(name).trim() || fallback;

/** Forecast against actual, week by week (units of the days scored), with its description in words. */
export function ForecastVsActual({ rows }: { rows: readonly AccuracyRow[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null || rows.length < 2) return;
    let u: uPlot | null = null;
    const xs = rows.map((r) => toX(r.key));
    const make = () => {
      u?.destroy();
      const axis = {
        stroke: css(el, '--fg-muted', '#555'),
        grid: { stroke: css(el, '--grid', '#ddd'), width: 1 },
        ticks: { stroke: css(el, '--grid', '#ddd') },
      };
      u = new uPlot(
        {
          width: Math.max(el.clientWidth, 260),
          height: 240,
          series: [
            {},
            { label: 'sold', stroke: css(el, '--chart-actual', '#222'), width: 2, points: { show: rows.length < 3 } },
            {
              label: 'forecast',
              stroke: css(el, '--chart-mean', '#1f5fd6'),
              width: 2,
              dash: [6, 4],
              points: { show: rows.length < 3 },
            },
          ],
          scales: {
            x: { time: true },
            y: { range: (_u, _lo, hi) => [0, Math.max(hi * 1.05, 1)] },
          },
          axes: [
            {
              ...axis,
              // one tick per week (at most 8), named by its Monday
              splits: () => xs.filter((_, i) => i % Math.ceil(xs.length / 8) === 0),
              values: (_u, splits) => splits.map((x) => fmtDay(new Date(x * 1000).toISOString())),
            },
            { ...axis, label: 'units', size: 56 },
          ],
          legend: { show: false },
          cursor: { show: false },
        },
        [xs, rows.map((r) => r.actual), rows.map(forecastTotal)] as uPlot.AlignedData,
        el,
      );
    };
    make();
    const ro = new ResizeObserver(() => u?.setSize({ width: Math.max(el.clientWidth, 260), height: 240 }));
    ro.observe(el);
    const onTheme = () => make();
    window.addEventListener('shopcast:theme', onTheme);
    return () => {
      ro.disconnect();
      window.removeEventListener('shopcast:theme', onTheme);
      u?.destroy();
    };
  }, [rows]);
  const sold = rows.reduce((s, r) => s + r.actual, 0);
  const fc = rows.reduce((s, r) => s + (forecastTotal(r) ?? r.actual), 0);
  const words =
    rows.length === 0
      ? ''
      : `Weeks of ${fmtDay(rows[0]!.key)} to ${fmtDay(rows[rows.length - 1]!.key)}: ${fmtUnits(sold)} units sold ` +
        `against ${fmtUnits(fc)} forecast on the days scored (${fmtChange(sold > 0 ? fc / sold - 1 : null)}).`;
  return (
    <figure class="acc-chart">
      {rows.length >= 2 && (
        <div ref={box} class="acc-plot" role="img" aria-label={`Forecast against sales by week. ${words}`} />
      )}
      <figcaption>
        {rows.length >= 2 ? (
          <p class="chart-legend">
            <span class="lg lg-actual">sold</span>
            <span class="lg lg-mean lg-dashed">forecast</span>
          </p>
        ) : (
          <p class="muted">One week scored so far: the chart of the weeks appears from the second.</p>
        )}
        <p data-testid="acc-words">{words}</p>
      </figcaption>
    </figure>
  );
}
