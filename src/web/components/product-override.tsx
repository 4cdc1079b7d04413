// A planner's override of the forecast: a period, a % uplift or a number of units for the whole period, and why
// (`POST /skus/{sku}/overrides`). The active overrides are listed with who made them and why, each with a remove
// button. After either the page reloads the SKU: the chart and the order suggestion show the change.
import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { fmtDate, fmtStamp, fmtUnits } from '../format';
import { type Override, addDays, errorField, errorText } from './product-data';

export function ProductOverrides({
  sku,
  firstDay,
  active,
  onChanged,
}: {
  sku: string;
  /** the first forecast day: an override starts on it or later */
  firstDay: string;
  active: readonly Override[] | undefined;
  onChanged: () => void;
}) {
  const [from, setFrom] = useState(firstDay);
  const [to, setTo] = useState(addDays(firstDay, 27));
  const [kind, setKind] = useState<'uplift_pct' | 'units'>('uplift_pct');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; text: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v)) {
      setError({ field: 'value', text: 'Enter a number: the % change, or the units for the whole period.' });
      return;
    }
    if (reason.trim() === '') {
      setError({ field: 'reason', text: 'Say why (the planners after you will read it).' });
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ order: { order_qty: number } | null }>(`/skus/${seg(sku)}/overrides`, {
        from,
        to,
        kind,
        value: v,
        reason: reason.trim(),
      });
      setDone(
        `Override saved. ${r.order === null ? '' : `The suggested order is now ${fmtUnits(r.order.order_qty)} units.`}`,
      );
      setValue('');
      setReason('');
      onChanged();
    } catch (err) {
      const status = (err as { status?: number }).status;
      setError({
        field: (errorField(err) ?? '').replace(/^body\./, '') || null,
        text:
          status === 404 && !/SKU/.test(errorText(err))
            ? 'This service does not take forecast overrides yet.'
            : status === 403
              ? 'Overriding the forecast needs a key with write access.'
              : errorText(err),
      });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (o: Override) => {
    setError(null);
    setDone(null);
    try {
      await api.del(`/skus/${seg(sku)}/overrides/${o.override_id}`);
      setDone('Override removed.');
      onChanged();
    } catch (err) {
      setError({ field: null, text: errorText(err) });
    }
  };

  const invalid = (f: string) => (error?.field === f ? true : undefined);
  return (
    <div class="override">
      {active !== undefined && active.length > 0 ? (
        <ul class="override-list" aria-label="Active overrides">
          {active.map((o) => (
            <li key={o.override_id} data-override={o.override_id}>
              <span>
                <strong>
                  {o.kind === 'uplift_pct'
                    ? `${o.value > 0 ? '+' : ''}${o.value} %`
                    : `${fmtUnits(o.value)} units in all`}
                </strong>{' '}
                from {fmtDate(o.from)} to {fmtDate(o.to)}: “{o.reason}” — {o.created_by}, {fmtStamp(o.created_at)}
              </span>
              <button
                type="button"
                aria-label={`Remove the override from ${fmtDate(o.from)} to ${fmtDate(o.to)}`}
                onClick={() => void remove(o)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No override: the plan uses the model's forecast.</p>
      )}
      <form class="override-form" onSubmit={submit} aria-label="Override the forecast">
        <div class="control">
          <label for="ov-from">From</label>
          <input
            id="ov-from"
            type="date"
            value={from}
            min={firstDay}
            required
            aria-invalid={invalid('from')}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </div>
        <div class="control">
          <label for="ov-to">To</label>
          <input
            id="ov-to"
            type="date"
            value={to}
            min={from}
            required
            aria-invalid={invalid('to')}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </div>
        <div class="control">
          <label for="ov-kind">Change</label>
          <select id="ov-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'uplift_pct' | 'units')}>
            <option value="uplift_pct">by a percentage</option>
            <option value="units">to a number of units for the period</option>
          </select>
        </div>
        <div class="control">
          <label for="ov-value">{kind === 'uplift_pct' ? 'Change in %' : 'Units in the period'}</label>
          <input
            id="ov-value"
            type="number"
            step="any"
            inputMode="decimal"
            value={value}
            placeholder={kind === 'uplift_pct' ? 'e.g. 40 or -20' : 'e.g. 300'}
            aria-invalid={invalid('value')}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </div>
        <div class="control grow">
          <label for="ov-reason">Why</label>
          <input
            id="ov-reason"
            type="text"
            maxLength={500}
            value={reason}
            placeholder="e.g. featured in the December newsletter"
            aria-invalid={invalid('reason')}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Override'}
        </button>
      </form>
      {error !== null && (
        <p class="error" role="alert" data-testid="override-error">
          {error.text}
        </p>
      )}
      {done !== null && (
        <p role="status" data-testid="override-done">
          {done}
        </p>
      )}
    </div>
  );
}
