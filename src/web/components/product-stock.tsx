// Projected stock over the forecast (uPlot): without the suggested order and with it arriving after the lead time,
// the reorder point as a line; the chart is summed up in words beside it for screen readers and quick reading.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { fmtDate, fmtUnits } from '../format';
import type { StockProjection } from './product-data';

const toX = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 1000;
const css = (el: Element, name: string, fallback: string): string =>
  getComputedStyle(el).getPropertyValue(name).trim() || fallback;

export function StockChart({ p, reorderPoint }: { p: StockProjection; reorderPoint: number | null }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null || p.dates.length === 0) return;
    let u: uPlot | null = null;
    const make = () => {
      u?.destroy();
      const c = {
        text: css(el, '--fg-muted', '#555'),
        grid: css(el, '--grid', '#ddd'),
        without: css(el, '--bad', '#b42318'),
        with: css(el, '--good', '#1a7f37'),
        rop: css(el, '--fg-muted', '#777'),
      };
      const series: uPlot.Series[] = [
        {},
        { label: 'without the order', stroke: c.without, width: 2, dash: [5, 4], points: { show: false } },
      ];
      const data: (number | null)[][] = [p.dates.map(toX), p.without];
      if (p.with !== null) {
        series.push({ label: 'with the order', stroke: c.with, width: 2, points: { show: false } });
        data.push(p.with);
      }
      if (reorderPoint !== null) {
        series.push({ label: 'reorder point', stroke: c.rop, width: 1, dash: [2, 3], points: { show: false } });
        data.push(p.dates.map(() => reorderPoint));
      }
      const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid } };
      u = new uPlot(
        {
          width: Math.max(el.clientWidth, 260),
          height: 200,
          series,
          scales: { x: { time: true }, y: { range: (_u, _lo, hi) => [0, Math.max(hi, 1)] } },
          axes: [{ ...axis }, { ...axis, label: 'units in stock', size: 56 }],
          legend: { show: false },
          cursor: { show: false },
        },
        data as uPlot.AlignedData,
        el,
      );
    };
    make();
    const ro = new ResizeObserver(() => u?.setSize({ width: Math.max(el.clientWidth, 260), height: 200 }));
    ro.observe(el);
    const onTheme = () => make();
    window.addEventListener('shopcast:theme', onTheme);
    return () => {
      ro.disconnect();
      window.removeEventListener('shopcast:theme', onTheme);
      u?.destroy();
    };
  }, [p, reorderPoint]);

  const last = p.dates.length - 1;
  const words =
    `Projected stock from ${fmtDate(p.dates[0])} to ${fmtDate(p.dates[last])}: without the order ` +
    (p.outWithout === null
      ? `${fmtUnits(p.without[last])} left at the end`
      : `out of stock on ${fmtDate(p.outWithout)}`) +
    (p.with === null
      ? '.'
      : `; with ${fmtUnits(p.qty)} units arriving ${fmtDate(p.arrival)}, ` +
        (p.outWith === null ? `${fmtUnits(p.with[last])} left at the end.` : `out of stock on ${fmtDate(p.outWith)}.`));
  return (
    <figure class="stock-chart">
      <div ref={box} class="stock-plot" role="img" aria-label={words} />
      <figcaption>
        <p class="chart-legend">
          <span class="lg lg-without">without the order</span>
          {p.with !== null && <span class="lg lg-with">with the order</span>}
          {reorderPoint !== null && <span class="lg lg-rop">reorder point</span>}
        </p>
        <p data-testid="stock-words">{words}</p>
        {p.with !== null && (
          <p class="muted">
            The order is counted in stock {p.leadDays} days after it is placed
            {p.leadAssumed ? ' (the default lead time: the stock file gives none)' : ' (its lead time)'}; sales a
            stock-out would lose are not carried forward.
          </p>
        )}
      </figcaption>
    </figure>
  );
}
