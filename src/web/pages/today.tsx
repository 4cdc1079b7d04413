// The Today page (issue #20): what a merchant checks each morning, from GET /summary — the key figures, the alerts
// that need action (acknowledged here), the purchase orders due by supplier, and what changed since the previous
// plan. Live: a re-forecast, a new alert or a finished plan refreshes it without a reload.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, seg } from '../api';
import { Kpi } from '../components/kpi';
import { Show } from '../components/status';
import { type Summary, TodayAlerts } from '../components/today-alerts';
import { fmtChange, fmtDate, fmtMoney, fmtStamp, fmtUnits } from '../format';
import { useEvents } from '../live';
import { useApi } from '../use-api';

export function TodayPage() {
  const q = useApi<Summary>('/summary');
  // the count of open alerts nobody has acknowledged yet (the summary lists the 20 most urgent only)
  const unacked = useApi<{ total: number }>('/alerts?status=unacknowledged&limit=1');
  const [ackError, setAckError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  // live events come in bursts (one per alert): one refresh per burst
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEvents(['forecast.updated', 'alert.raised', 'plan.finished'], () => {
    if (pending.current !== null) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      q.reload();
      unacked.reload();
    }, 300);
  });

  const acknowledge = async (id: number) => {
    setBusy(id);
    setAckError(null);
    try {
      await api.post(`/alerts/${id}/ack`);
      q.reload();
      unacked.reload();
    } catch (e) {
      setAckError(
        e instanceof ApiError && e.status === 403
          ? 'Your key may read but not change: acknowledging needs a key with the write scope.'
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="today-page" data-page="today" data-ready={q.data !== null ? '' : undefined}>
      <h1 tabIndex={-1}>Today</h1>
      <Show q={q} what="today's summary">
        {(s) => {
          const k = s.kpis;
          const open = unacked.data?.total ?? s.alerts.filter((a) => a.acknowledged_at === null).length;
          return (
            <>
              <p class="muted today-asof">
                {s.as_of !== null ? (
                  <>
                    Sales data to {fmtDate(s.as_of)}
                    {s.run_id !== null && <> · plan run {s.run_id}</>}
                  </>
                ) : s.run_id === null ? (
                  'No plan yet.'
                ) : (
                  // a workspace planned by an older shopcast: its orders are there, its per-SKU figures are not
                  `Plan run ${s.run_id} has no per-SKU figures: run a new plan to fill them.`
                )}
              </p>
              <dl class="kpis" aria-label="Key figures">
                <Kpi label="Revenue forecast" value={fmtMoney(k.revenue_forecast_30d)} note="next 30 days" />
                <Kpi label="Stock value" value={fmtMoney(k.stock_value)} note="on hand, at cost" />
                <Kpi
                  label="SKUs at risk"
                  value={fmtUnits(k.skus_at_risk)}
                  note={`of ${fmtUnits(k.skus)} SKUs: stock-out risk 50% or more`}
                  {...(k.skus_at_risk > 0 ? { tone: 'warn' as const } : {})}
                />
                <Kpi
                  label="Lost revenue expected"
                  value={fmtMoney(k.lost_revenue_expected)}
                  note="from stock-outs before an order can arrive"
                  {...(k.lost_revenue_expected > 0 ? { tone: 'warn' as const } : {})}
                />
              </dl>
              <div class="today-grid">
                <section class="card today-alerts" aria-labelledby="today-alerts-h">
                  <h2 id="today-alerts-h">
                    Alerts that need action{' '}
                    <span class="count" data-testid="alerts-open">
                      {open}
                    </span>
                  </h2>
                  <p class="muted small">
                    {fmtUnits(k.skus_with_alerts)} SKUs with open alerts. <a href="/products?alert=*">See them</a>
                  </p>
                  {ackError !== null && (
                    <p class="error" role="alert">
                      {ackError}
                    </p>
                  )}
                  <TodayAlerts alerts={s.alerts} busy={busy} onAck={acknowledge} />
                </section>
                <section class="card" aria-labelledby="today-orders-h">
                  <h2 id="today-orders-h">Purchase orders due</h2>
                  {s.orders_due.length === 0 ? (
                    <p class="muted">No order is due.</p>
                  ) : (
                    <div class="table-wrap" tabIndex={0} role="region" aria-label="Purchase orders due, scrollable">
                      <table data-testid="orders-due">
                        <thead>
                          <tr>
                            <th scope="col">Supplier</th>
                            <th scope="col" class="num">
                              Lines
                            </th>
                            <th scope="col" class="num">
                              Units
                            </th>
                            <th scope="col" class="num">
                              Value
                            </th>
                            <th scope="col">Order by</th>
                          </tr>
                        </thead>
                        <tbody>
                          {s.orders_due.map((o) => (
                            <tr key={o.supplier} data-supplier={o.supplier}>
                              <td>
                                <a href={`/orders?supplier=${seg(o.supplier)}`}>{o.supplier}</a>
                              </td>
                              <td class="num" data-col="lines">
                                {fmtUnits(o.lines)}
                              </td>
                              <td class="num">{fmtUnits(o.units)}</td>
                              <td class="num" data-col="value">
                                {fmtMoney(o.value)}
                              </td>
                              <td>{fmtDate(o.order_by)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                  <p>
                    <a href="/orders">All purchase orders</a>
                  </p>
                </section>
              </div>
              <section class="card today-changes" aria-labelledby="today-changes-h">
                <h2 id="today-changes-h">What changed</h2>
                <p class="muted small">
                  {s.changes.since === null ? 'Since the first plan' : <>Since {fmtStamp(s.changes.since)}</>}
                </p>
                <ul class="change-counts">
                  <li data-change="new_alerts">
                    <strong>{fmtUnits(s.changes.new_alerts)}</strong> new alerts
                  </li>
                  <li data-change="batches">
                    <strong>{fmtUnits(s.changes.batches)}</strong> order batches ({fmtUnits(s.changes.lines)} lines)
                  </li>
                  <li data-change="stage_changes">
                    <strong>{fmtUnits(s.changes.stage_changes_total ?? s.changes.stage_changes.length)}</strong> stage
                    changes
                  </li>
                  <li data-change="forecast_changes">
                    <strong>{fmtUnits(s.changes.forecast_changes_total ?? s.changes.forecast_changes.length)}</strong>{' '}
                    forecast changes
                  </li>
                </ul>
                <div class="today-grid">
                  <div>
                    <h3>Largest forecast changes</h3>
                    {s.changes.forecast_changes.length === 0 ? (
                      <p class="muted">No forecast changed.</p>
                    ) : (
                      <div
                        class="table-wrap"
                        tabIndex={0}
                        role="region"
                        aria-label="Largest forecast changes, scrollable"
                      >
                        <table data-testid="forecast-changes">
                          <thead>
                            <tr>
                              <th scope="col">SKU</th>
                              <th scope="col" class="num">
                                Before
                              </th>
                              <th scope="col" class="num">
                                After
                              </th>
                              <th scope="col" class="num">
                                Change
                              </th>
                            </tr>
                          </thead>
                          <tbody>
                            {s.changes.forecast_changes.map((c) => (
                              <tr key={c.sku}>
                                <td class="desc">
                                  <a href={`/products/${seg(c.sku)}`}>{c.sku}</a>
                                  {c.description !== null && <span class="muted"> {c.description}</span>}
                                </td>
                                <td class="num">{fmtUnits(c.before)}</td>
                                <td class="num">{fmtUnits(c.after)}</td>
                                <td class={`num ${(c.change_pct ?? 0) >= 0 ? 'up' : 'down'}`}>
                                  {fmtChange(c.change_pct)}
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}
                  </div>
                  <div>
                    <h3>Stage changes</h3>
                    {s.changes.stage_changes.length === 0 ? (
                      <p class="muted">No product changed stage.</p>
                    ) : (
                      <ul class="stage-changes">
                        {s.changes.stage_changes.map((c) => (
                          <li key={c.sku}>
                            <a href={`/products/${seg(c.sku)}`}>{c.sku}</a>: {c.from} → {c.to}
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                </div>
              </section>
            </>
          );
        }}
      </Show>
    </section>
  );
}
