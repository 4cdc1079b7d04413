// The Today page's alerts: the most urgent open ones, each with its product, what it says and an acknowledge
// button (POST /alerts/{id}/ack).
import { seg } from '../api';
import { fmtStamp } from '../format';
import { alertName } from './products-model';

export interface Alert {
  alert_id: number;
  created_at: string;
  sku: string;
  kind: string;
  severity: string;
  message: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

/** The answer of GET /summary. */
export interface Summary {
  as_of: string | null;
  currency: string | null;
  locale: string;
  run_id: number | null;
  kpis: {
    revenue_forecast_30d: number;
    stock_value: number;
    skus_at_risk: number;
    lost_revenue_expected: number;
    skus: number;
    skus_with_alerts: number;
  };
  alerts: Alert[];
  orders_due: { supplier: string; lines: number; units: number; value: number; order_by: string | null }[];
  changes: {
    since: string | null;
    new_alerts: number;
    forecast_changes: {
      sku: string;
      description: string | null;
      before: number;
      after: number;
      change_pct: number | null;
    }[];
    forecast_changes_total?: number;
    stage_changes: { sku: string; from: string; to: string }[];
    stage_changes_total?: number;
    batches: number;
    lines: number;
  };
}

export function TodayAlerts({
  alerts,
  busy,
  onAck,
}: {
  alerts: readonly Alert[];
  busy: number | null;
  onAck: (id: number) => void;
}) {
  if (alerts.length === 0) return <p class="muted">No open alert. Nothing needs action.</p>;
  return (
    <ul class="alert-list" data-testid="alert-list">
      {alerts.map((a) => {
        const acked = a.acknowledged_at !== null;
        return (
          <li key={a.alert_id} class={`alert-item sev-${a.severity}${acked ? ' acked' : ''}`} data-alert={a.alert_id}>
            <div class="alert-head">
              <span class={`badge ${a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''}`}>
                {alertName(a.kind)}
              </span>{' '}
              <a href={`/products/${seg(a.sku)}`}>{a.sku}</a>
              <span class="muted small"> · {fmtStamp(a.created_at)}</span>
            </div>
            <p class="alert-message">{a.message}</p>
            {acked ? (
              <p class="muted small">
                Acknowledged by {a.acknowledged_by ?? 'someone'} · {fmtStamp(a.acknowledged_at)}
              </p>
            ) : (
              <button
                type="button"
                disabled={busy === a.alert_id}
                aria-label={`Acknowledge the ${alertName(a.kind)} alert on ${a.sku}`}
                onClick={() => onAck(a.alert_id)}
              >
                Acknowledge
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
