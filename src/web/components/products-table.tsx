// The product table, virtualised with @tanstack/virtual-core: only the rows in view (plus a few either side) are in
// the DOM, between two spacer rows that keep the scroll height of all of them. Each row's SKU is a link to the
// product (the whole row is clickable; the keyboard reaches the link), and column headers are sort buttons with
// aria-sort.
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { seg } from '../api';
import { fmtChange, fmtDays, fmtMoney, fmtPct, fmtUnits } from '../format';
import { Sparkline } from './sparkline';
import { type SortDir, type SortKey, type TableModel, alertName, defaultDir } from './products-model';
import { useSparklines } from './products-data';

const ROW_H = 40;

function useVirtualRows(count: number, scroller: { current: HTMLDivElement | null }) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const opts = (): VirtualizerOptions<HTMLDivElement, HTMLTableRowElement> => ({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    overscan: 8,
    initialRect: { width: 1000, height: 600 },
    onChange: () => rerender(0),
  });
  const v = useMemo(() => new Virtualizer(opts()), []);
  v.setOptions(opts());
  useLayoutEffect(() => v._didMount(), []);
  useLayoutEffect(() => v._willUpdate());
  return v;
}

interface Column {
  key: SortKey | null;
  label: string;
  num?: boolean;
  width: number;
}

const COLUMNS: Column[] = [
  { key: 'sku', label: 'SKU', width: 92 },
  { key: null, label: 'Description', width: 196 },
  { key: null, label: 'Class', width: 52 },
  { key: null, label: 'Stage', width: 84 },
  { key: null, label: 'Supplier', width: 116 },
  { key: null, label: 'Alert', width: 96 },
  { key: 'risk', label: 'Stock-out risk', num: true, width: 76 },
  { key: 'days_of_stock', label: 'Days of stock', num: true, width: 80 },
  { key: 'revenue', label: 'Revenue (365 d)', num: true, width: 92 },
  { key: 'forecast_30d', label: 'Forecast (30 d)', num: true, width: 80 },
  { key: 'forecast_change', label: 'Forecast change', num: true, width: 80 },
  { key: 'order_units', label: 'Suggested order', num: true, width: 88 },
  { key: null, label: 'Last 26 weeks', width: 108 },
];
const TABLE_W = COLUMNS.reduce((s, c) => s + c.width, 0);

export function ProductsTable({
  model,
  rows,
  sort,
  dir,
  onSort,
  sparkVersion,
  viewKey,
}: {
  model: TableModel;
  rows: Uint32Array;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey, dir: SortDir) => void;
  sparkVersion: number;
  /** a new view (filters, sort) scrolls back to the top */
  viewKey: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualRows(rows.length, scroller);
  useEffect(() => {
    if (scroller.current !== null) scroller.current.scrollTop = 0;
  }, [viewKey]);
  const items = v.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const top = first?.start ?? 0;
  const bottom = last === undefined ? 0 : v.getTotalSize() - last.end;
  const shown = items.map((it) => rows[it.index]!);
  const sparks = useSparklines(
    shown.map((i) => model.sku[i]!),
    sparkVersion,
  );
  const m = model;

  return (
    <div
      class="products-scroll"
      ref={scroller}
      tabIndex={0}
      role="region"
      aria-label="Products, scrollable"
      data-testid="products-scroll"
    >
      <table class="products-table" style={{ minWidth: `${TABLE_W}px` }} aria-rowcount={rows.length + 1}>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.label} style={{ width: `${c.width}px` }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => {
              const active = c.key !== null && c.key === sort;
              return (
                <th
                  key={c.label}
                  class={c.num ? 'num' : undefined}
                  scope="col"
                  aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {c.key === null ? (
                    c.label
                  ) : (
                    <button
                      type="button"
                      class="sort"
                      data-sort={c.key}
                      onClick={() => {
                        const k = c.key!;
                        onSort(k, active ? (dir === 'asc' ? 'desc' : 'asc') : defaultDir(k));
                      }}
                    >
                      {c.label}
                      <span aria-hidden="true" class="sort-mark">
                        {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {top > 0 && (
            <tr class="spacer" aria-hidden="true" style={{ height: `${top}px` }}>
              <td colSpan={COLUMNS.length} />
            </tr>
          )}
          {items.map((it) => {
            const i = rows[it.index]!;
            const sku = m.sku[i]!;
            const abc = m.cat.abc.codes[i]!;
            const xyz = m.cat.xyz.codes[i]!;
            const stage = m.cat.stage.codes[i]!;
            const supplier = m.cat.supplier.codes[i]!;
            const alert = m.cat.alert.codes[i]!;
            const risk = m.num.risk[i]!;
            const change = m.num.forecast_change[i]!;
            const nz = (x: number) => (Number.isNaN(x) ? null : x);
            const spark = sparks.get(sku);
            return (
              <tr key={sku} data-sku={sku} aria-rowindex={it.index + 2} style={{ height: `${ROW_H}px` }}>
                <td class="sku-cell">
                  <a class="row-link" href={`/products/${seg(sku)}`}>
                    {sku}
                  </a>
                </td>
                <td class="desc" title={m.description[i] ?? undefined}>
                  {m.description[i] ?? <span class="muted">–</span>}
                </td>
                <td data-col="class">
                  {abc === 0 && xyz === 0
                    ? '–'
                    : `${abc === 0 ? '' : m.cat.abc.values[abc - 1]}${xyz === 0 ? '' : m.cat.xyz.values[xyz - 1]}`}
                </td>
                <td data-col="stage">{stage === 0 ? '–' : m.cat.stage.values[stage - 1]}</td>
                <td class="desc" data-col="supplier">
                  {supplier === 0 ? '–' : m.cat.supplier.values[supplier - 1]}
                </td>
                <td data-col="alert">
                  {alert === 0 ? (
                    ''
                  ) : (
                    <span class={`badge ${m.cat.alert.values[alert - 1] === 'stockout' ? 'bad' : 'warn'}`}>
                      {alertName(m.cat.alert.values[alert - 1]!)}
                    </span>
                  )}
                </td>
                <td class={`num${risk >= 0.5 ? ' risk-high' : ''}`} data-col="risk" data-value={nz(risk) ?? ''}>
                  {fmtPct(nz(risk))}
                </td>
                <td class="num" data-col="days_of_stock">
                  {fmtDays(nz(m.num.days_of_stock[i]!))}
                </td>
                <td class="num" data-col="revenue">
                  {fmtMoney(nz(m.num.revenue[i]!))}
                </td>
                <td class="num" data-col="forecast_30d" data-value={nz(m.num.forecast_30d[i]!) ?? ''}>
                  {fmtUnits(nz(m.num.forecast_30d[i]!))}
                </td>
                <td class={`num${change > 0 ? ' up' : change < 0 ? ' down' : ''}`} data-col="forecast_change">
                  {fmtChange(nz(change))}
                </td>
                <td class="num" data-col="order_units">
                  {fmtUnits(nz(m.num.order_units[i]!))}
                </td>
                <td>
                  {spark !== undefined && spark.length > 1 ? (
                    <Sparkline values={spark} label={`Weekly units of ${sku}, last 26 weeks`} width={96} height={22} />
                  ) : null}
                </td>
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr class="spacer" aria-hidden="true" style={{ height: `${bottom}px` }}>
              <td colSpan={COLUMNS.length} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
