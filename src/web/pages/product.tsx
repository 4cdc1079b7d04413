// The Product page (issue #20): one SKU from `GET /skus/{sku}` — the header (class, stage, alerts), the fan chart of
// its history and forecast (daily or weekly, zoom, marked days), the stage timeline with its evidence, the drivers of
// the forecast, the stock position with the projected stock with and without the suggested order, and the planner's
// overrides. A `forecast.updated` event naming the SKU reloads it in place.
import { useRoute } from 'preact-iso';
import { useMemo, useState } from 'preact/hooks';
import { seg } from '../api';
import { FanChart } from '../components/fan-chart';
import {
  type SkuDetail,
  addDays,
  dailySeries,
  errorText,
  projectStock,
  weeklySeries,
} from '../components/product-data';
import { ProductExplanation } from '../components/product-explain';
import { ProductOverrides } from '../components/product-override';
import { StageTimeline } from '../components/product-stage';
import { StockChart } from '../components/product-stock';
import { fmtChange, fmtDate, fmtDays, fmtMoney, fmtPct, fmtPrice, fmtUnits } from '../format';
import { useEvents } from '../live';
import { useApi } from '../use-api';

type Zoom = '3m' | '1y' | 'all';
const ZOOMS: [Zoom, string][] = [
  ['3m', '3 months'],
  ['1y', '1 year'],
  ['all', 'All'],
];

function Fact({ label, value, testid, raw }: { label: string; value: string; testid?: string; raw?: number | null }) {
  return (
    <div class="fact">
      <dt>{label}</dt>
      <dd data-testid={testid} data-value={raw ?? undefined}>
        {value}
      </dd>
    </div>
  );
}

function Chart({ d }: { d: SkuDetail }) {
  const [weekly, setWeekly] = useState(false);
  // the zoom button pressed, and how many times (pressing it again undoes a drag)
  const [[zoom, presses], setZoom] = useState<[Zoom, number]>(['3m', 0]);
  const { points, marks } = useMemo(() => (weekly ? weeklySeries(d) : dailySeries(d)), [d, weekly]);
  const end = points.at(-1)?.date ?? null;
  const lastHist = d.history?.to ?? end;
  const first = points[0]?.date ?? null;
  const range = useMemo(
    () =>
      end === null || lastHist === null || first === null
        ? null
        : { from: zoom === 'all' ? first : addDays(lastHist, zoom === '3m' ? -91 : -365), to: end },
    [zoom, presses, first, end, lastHist],
  );
  const f = d.forecast;
  return (
    <>
      <div class="toolbar chart-tools">
        <div role="group" aria-label="Daily or weekly" class="seg">
          <button type="button" aria-pressed={!weekly} onClick={() => setWeekly(false)}>
            Daily
          </button>
          <button type="button" aria-pressed={weekly} onClick={() => setWeekly(true)}>
            Weekly
          </button>
        </div>
        <div role="group" aria-label="Time shown" class="seg">
          {ZOOMS.map(([z, name]) => (
            <button key={z} type="button" aria-pressed={zoom === z} onClick={() => setZoom([z, presses + 1])}>
              {name}
            </button>
          ))}
        </div>
      </div>
      {points.length === 0 ? (
        <p class="muted">No sales and no forecast for this product yet.</p>
      ) : (
        <FanChart
          points={points}
          marks={marks}
          stepDays={weekly ? 7 : 1}
          range={range}
          label={`${weekly ? 'Weekly' : 'Daily'} units of ${d.sku}: history and forecast with 50 % and 90 % ranges`}
        />
      )}
      {f === null ? (
        <p class="muted">No forecast yet: the next plan makes one.</p>
      ) : (
        <p class="muted chart-note">
          Forecast by {f.model ?? 'the model'} from data up to {fmtDate(f.origin)} ({f.source}, run {f.run_id})
          {f.backtest_mase !== null && <>; backtest MASE {f.backtest_mase.toFixed(2)}</>}
          {f.fallback !== null && <>; fell back to a simpler model: {f.fallback}</>}.
          {weekly && ' Weekly ranges are approximate: summed from the daily ranges as if days were independent.'}
        </p>
      )}
    </>
  );
}

/** The supplier's terms of an order line: "MOQ 10, packs of 6, lead time 21 days" (those it gives). */
function terms(o: NonNullable<SkuDetail['order']>): string {
  const t: string[] = [];
  if (o.moq != null && o.moq > 0) t.push(`MOQ ${fmtUnits(o.moq)}`);
  if (o.pack_size != null && o.pack_size > 1) t.push(`packs of ${fmtUnits(o.pack_size)}`);
  if (o.lead_time_days != null) t.push(`lead time ${fmtDays(o.lead_time_days)}`);
  return t.join(', ');
}

function Inventory({ d }: { d: SkuDetail }) {
  const inv = d.inventory;
  const proj = useMemo(() => projectStock(d), [d]);
  if (inv === null) return <p class="muted">No stock position: the stock file does not list this product.</p>;
  const o = d.order;
  return (
    <>
      <dl class="facts">
        <Fact label="On hand" value={fmtUnits(inv.on_hand)} testid="on-hand" raw={inv.on_hand} />
        <Fact label="On order" value={fmtUnits(inv.on_order)} raw={inv.on_order} />
        <Fact label="Position" value={fmtUnits(inv.position)} testid="position" raw={inv.position} />
        <Fact label="Days of stock" value={fmtDays(inv.days_of_stock)} testid="days-of-stock" raw={inv.days_of_stock} />
        <Fact
          label="Stock-out expected"
          value={inv.stockout_date === null ? 'not within the forecast' : fmtDate(inv.stockout_date)}
          testid="stockout-date"
        />
        <Fact label="Stock-out risk" value={fmtPct(inv.stockout_risk)} raw={inv.stockout_risk} />
        <Fact label="Reorder point" value={fmtUnits(inv.reorder_point)} raw={inv.reorder_point} />
        <Fact label="Order up to" value={fmtUnits(inv.order_up_to)} raw={inv.order_up_to} />
      </dl>
      <div class={`suggestion${(inv.order_qty ?? 0) > 0 ? ' has-order' : ''}`}>
        <p>
          Suggested order:{' '}
          <strong data-testid="order-qty" data-value={inv.order_qty ?? 0}>
            {fmtUnits(inv.order_qty ?? 0)} units
          </strong>
          {(inv.order_qty ?? 0) > 0 && inv.order_by !== null && <> — order by {fmtDate(inv.order_by)}</>}
          {inv.expedite === true && <span class="badge bad">expedite</span>}
          {inv.held_back === true && <span class="badge warn">held back by the budget</span>}
        </p>
        {inv.reason !== null && <p class="muted">{inv.reason}</p>}
        {o !== null && (
          <p class="muted">
            In the purchase orders of plan run {o.run_id}: {fmtUnits(o.final_qty)} units
            {o.unit_cost !== null && <> at {fmtPrice(o.unit_cost)}</>}
            {o.approved ? ', approved' : ', not approved yet'}
            {terms(o) !== '' && <> ({terms(o)})</>}
            {o.override !== null && (
              <>
                ; changed by {o.override.who}
                {o.override.why !== null && <> (“{o.override.why}”)</>}
              </>
            )}
            . <a href="/orders">Purchase orders</a>
          </p>
        )}
      </div>
      {proj !== null && <StockChart p={proj} reorderPoint={inv.reorder_point} />}
    </>
  );
}

export function ProductPage() {
  const { params } = useRoute();
  const sku = params['sku'] ?? '';
  const q = useApi<SkuDetail>(sku === '' ? null : `/skus/${seg(sku)}`);
  // new sales stored for this SKU: say so until its forecast is redone (forecast.updated), then reload in place
  const [updating, setUpdating] = useState(false);
  useEvents(['batch.stored', 'forecast.updated', 'override.changed', 'alert.raised'], (type, data) => {
    const x = data as { skus?: unknown; sku?: unknown; alert?: { sku?: unknown } };
    const named =
      (Array.isArray(x.skus) && x.skus.includes(sku)) ||
      x.sku === sku ||
      (x.alert !== undefined && x.alert.sku === sku);
    if (!named) return;
    if (type === 'batch.stored') {
      setUpdating(true);
      return;
    }
    if (type === 'forecast.updated') setUpdating(false);
    q.reload();
  });
  // another product opened from this one: its answer, not the previous product's, once it is in
  const d = q.data !== null && q.data.sku === sku ? q.data : null;
  if (d === null)
    return (
      <section>
        <h1 tabIndex={-1}>{sku}</h1>
        {q.error !== null && !q.loading ? (
          <p class="error" role="alert">
            {(q.error as { status?: number }).status === 404
              ? `No product ${sku} in this workspace.`
              : errorText(q.error)}
          </p>
        ) : (
          <p class="muted" role="status">
            Loading {sku}…
          </p>
        )}
        <p>
          <a href="/products">All products</a>
        </p>
      </section>
    );

  const inv = d.inventory;
  const title = d.name ?? d.description;
  return (
    <section
      class="product"
      data-page="product"
      data-ready=""
      data-sku={d.sku}
      data-run-id={d.forecast?.run_id ?? ''}
      data-history-to={d.history?.to ?? ''}
    >
      <p class="crumbs">
        <a href="/products">Products</a> ›
      </p>
      <h1 tabIndex={-1}>
        <span data-testid="sku">{d.sku}</span>
        {title !== null && <span class="product-name"> {title}</span>}
      </h1>
      <div class="product-head">
        {d.description !== null && d.description !== title && <p>{d.description}</p>}
        <ul class="tags" aria-label="Classification">
          <li>
            Supplier: <strong data-testid="supplier">{d.supplier ?? 'none given'}</strong>
          </li>
          <li>
            Class:{' '}
            <strong data-testid="class">
              {inv?.abc ?? '–'}
              {inv?.xyz ?? ''}
            </strong>
          </li>
          <li>
            Stage: <strong data-testid="stage-name">{d.stage?.stage ?? 'not classified'}</strong>
          </li>
          {inv?.revenue_365 != null && (
            <li>
              Revenue (365 days): <strong>{fmtMoney(inv.revenue_365)}</strong>
            </li>
          )}
          {inv?.forecast_28 != null && (
            <li>
              Next 28 days: <strong data-testid="forecast-28">{fmtUnits(inv.forecast_28)} units</strong>
            </li>
          )}
        </ul>
        {d.alerts.length > 0 && (
          <ul class="alerts" aria-label="Open alerts" data-testid="alerts">
            {d.alerts.map((a) => (
              <li key={a.alert_id}>
                <span class={`badge ${a.severity === 'critical' || a.kind === 'stockout' ? 'bad' : 'warn'}`}>
                  {a.kind.replace('_', ' ')}
                </span>{' '}
                {a.message}
              </li>
            ))}
          </ul>
        )}
      </div>

      <div class="card">
        <h2>Sales and forecast</h2>
        <p class="muted live-note" role="status">
          {updating ? 'New sales for this product arrived: updating its forecast…' : ''}
        </p>
        <Chart d={d} />
      </div>

      <div class="grid product-grid">
        <div class="card">
          <h2>Stock and order</h2>
          <Inventory d={d} />
        </div>
        <div class="card">
          <h2>Override the forecast</h2>
          {d.forecast === null || d.forecast.days.length === 0 ? (
            <p class="muted">No forecast to override yet.</p>
          ) : (
            <ProductOverrides
              key={d.sku}
              sku={d.sku}
              firstDay={d.forecast.days[0]!.date}
              active={d.overrides}
              onChanged={q.reload}
            />
          )}
          {inv?.forecast_28 != null && d.forecast !== null && (
            <p class="muted">Change of the next 28 days against the model alone: {fmtChange(overrideChange(d))}</p>
          )}
        </div>
        <div class="card">
          <h2>Life-cycle stage</h2>
          {d.stage === null ? (
            <p class="muted">Not classified yet: the next plan does it.</p>
          ) : (
            <StageTimeline stage={d.stage} />
          )}
        </div>
        <div class="card">
          <h2>Why this forecast</h2>
          <ProductExplanation sku={d.sku} version={String(d.forecast?.run_id ?? 0)} />
        </div>
      </div>
    </section>
  );
}

/** The overrides' change of the next 28 forecast days' total against the model's own (0 without overrides). */
function overrideChange(d: SkuDetail): number | null {
  const days = d.forecast?.days.slice(0, 28) ?? [];
  let now = 0;
  let base = 0;
  days.forEach((x, i) => {
    now += x.mean ?? 0;
    base += x.base_mean ?? d.forecast?.base_mean?.[i] ?? x.mean ?? 0;
  });
  return base > 0 ? now / base - 1 : null;
}
