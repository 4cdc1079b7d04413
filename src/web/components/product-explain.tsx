// Why the forecast is what it is: the global model's drivers for the SKU's first forecast day
// (`GET /skus/{sku}/explanation`, TreeSHAP), largest first, each as the factor it puts on the forecast. Asked for on
// demand: TreeSHAP over the model costs more than the rest of the page, and a workspace without a global model
// answers 400 (said here in words).
import { useState } from 'preact/hooks';
import { fmtDate, fmtUnits } from '../format';
import { useApi } from '../use-api';
import { seg } from '../api';
import { errorText } from './product-data';

interface Driver {
  feature: string;
  meaning: string;
  value: number | null;
  effect: number;
  factor: number;
}

interface Explanation {
  sku: string;
  date: string;
  as_of: string;
  forecast: number;
  closed: boolean;
  model_forecast: number;
  baseline: number;
  drivers: Driver[];
}

const TOP = 6;
const num = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** "+12 %" / "−8 %": the change a factor makes. */
const change = (factor: number): string => {
  const pct = (factor - 1) * 100;
  const r = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r)} %`;
};

export function ProductExplanation({ sku, version }: { sku: string; version: string }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          Show what drives this forecast
        </button>
      </p>
    );
  return <Drivers key={version} sku={sku} />;
}

function Drivers({ sku }: { sku: string }) {
  const q = useApi<Explanation>(`/skus/${seg(sku)}/explanation`);
  if (q.data === null && q.error === null)
    return (
      <p class="muted" role="status">
        Loading the drivers…
      </p>
    );
  if (q.data === null) {
    const msg = errorText(q.error);
    return (
      <p class="muted" data-testid="explain-empty">
        {/no global model/i.test(msg)
          ? 'No explanation yet: the drivers come from the global model, which this workspace has not trained. ' +
            'Train it with `shopcast forecast --model global --freq day`; the forecast above does not depend on it.'
          : `No explanation for this product: ${msg}`}
      </p>
    );
  }
  const e = q.data;
  const top = e.drivers.slice(0, TOP);
  const max = Math.max(...top.map((d) => Math.abs(d.effect)), 1e-9);
  return (
    <div class="explain" data-testid="explanation">
      <p>
        For {fmtDate(e.date)} the global model (trained on data up to {fmtDate(e.as_of)}) expects{' '}
        <strong>{fmtUnits(e.model_forecast)}</strong> units: its average day at this product's level is{' '}
        {fmtUnits(e.baseline)}, and these drivers move it most.
        {e.closed && ' The shop is closed that day, so the forecast is 0.'}
      </p>
      <ul class="drivers">
        {top.map((d) => (
          <li key={d.feature} data-feature={d.feature}>
            <span class="driver-text">
              {d.meaning}
              {d.value !== null && <span class="muted"> ({num.format(d.value)})</span>}
            </span>
            <span class={`driver-bar ${d.effect >= 0 ? 'up' : 'down'}`} aria-hidden="true">
              <span style={{ width: `${Math.round((Math.abs(d.effect) / max) * 100)}%` }} />
            </span>
            <span class="driver-change num">{change(d.factor)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
