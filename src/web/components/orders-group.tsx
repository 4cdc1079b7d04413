// One supplier's suggested purchase order on the Orders page: a collapsible group with its totals, its lines (the
// quantity editable inline, MOQ and pack size checked as you type), approvals and the CSV export.
import { fmtDate, fmtMoney, fmtPct, fmtPrice, fmtStamp, fmtUnits } from '../format';
import { checkQuantity } from './orders-rules';

/** An approval or override as the service keeps it. */
export interface OrderDecision {
  action: 'approve' | 'override';
  qty: number | null;
  who: string;
  why: string | null;
  decided_at: string;
}

/** One line of `GET /plans/latest/orders` (pipeline/orders.ts OrderWithDecision): the fields the page reads. */
export interface OrderLine {
  sku: string;
  name: string | null;
  supplier_name: string;
  order_qty: number;
  final_qty: number;
  value: number;
  unit_cost: number | null;
  order_by: string | null;
  stockout_risk: number | null;
  /** the stock-out risk (newer services; stockout_risk before) */
  risk?: number | null;
  stockout_date: string | null;
  lost_revenue: number | null;
  approved: boolean;
  decision: OrderDecision | null;
  override: OrderDecision | null;
  /** supplier terms (newer services) */
  moq?: number | null;
  pack_size?: number | null;
  lead_time_days?: number | null;
}

/** One supplier's totals as the service gives them: lines with a quantity, units, value, approved lines. */
export interface SupplierTotals {
  supplier: string;
  orders: number;
  units: number;
  value: number;
  approved: number;
}

/** An edit in progress: the typed quantity, its reason, the check's note, the service's refusal. */
export interface Draft {
  text: string;
  reason: string;
  note: string | null;
  refused: { message: string; suggested: number | null } | null;
  reasonError: string | null;
  saving: boolean;
}

export const lineRisk = (l: OrderLine): number | null => l.risk ?? l.stockout_risk;

interface GroupProps {
  totals: SupplierTotals;
  lines: readonly OrderLine[];
  /** index of each line's SKU in the budget's priority (1 = funded first), and whether the budget funds it */
  rank: (sku: string) => number | null;
  funded: (sku: string) => boolean;
  open: boolean;
  onToggle: () => void;
  drafts: ReadonlyMap<string, Draft>;
  setDraft: (sku: string, d: Draft | null) => void;
  onSave: (line: OrderLine) => void;
  onApprove: (skus: string[], what: string) => void;
  onExport: () => void;
  busy: boolean;
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40);

export function SupplierGroup(p: GroupProps) {
  const { totals, lines } = p;
  const id = `supplier-${slug(totals.supplier)}`;
  const ordered = lines.filter((l) => l.final_qty > 0);
  const outside = ordered.filter((l) => !p.funded(l.sku));
  // a supplier's approval takes the lines the budget funds (all of them without a budget)
  const toApprove = ordered.filter((l) => !l.approved && p.funded(l.sku)).map((l) => l.sku);
  const approveText = `${toApprove.length} ${toApprove.length === 1 ? 'line' : 'lines'}${outside.length > 0 ? ' in budget' : ''}`;
  return (
    <section class="card supplier" data-supplier={totals.supplier} aria-labelledby={`${id}-h`}>
      <div class="supplier-head">
        <h2 id={`${id}-h`}>
          <button type="button" class="disclosure" aria-expanded={p.open} aria-controls={id} onClick={p.onToggle}>
            {totals.supplier}
          </button>
        </h2>
        <dl class="supplier-totals">
          <div>
            <dt>Lines</dt>
            <dd data-field="lines" data-value={totals.orders}>
              {fmtUnits(totals.orders)}
            </dd>
          </div>
          <div>
            <dt>Units</dt>
            <dd data-field="units" data-value={totals.units}>
              {fmtUnits(totals.units)}
            </dd>
          </div>
          <div>
            <dt>Value</dt>
            <dd data-field="value" data-value={totals.value}>
              {fmtMoney(totals.value)}
            </dd>
          </div>
          <div>
            <dt>Approved</dt>
            <dd data-field="approved" data-value={totals.approved}>
              {totals.approved} of {totals.orders}
            </dd>
          </div>
          {outside.length > 0 && (
            <div class="over-note">
              <dt>Outside budget</dt>
              <dd data-field="outside" data-value={outside.length}>
                {outside.length} ({fmtMoney(outside.reduce((a, l) => a + l.value, 0))})
              </dd>
            </div>
          )}
        </dl>
        <div class="supplier-actions">
          <button
            type="button"
            class="primary"
            disabled={p.busy || toApprove.length === 0}
            onClick={() => p.onApprove(toApprove, `${approveText} from ${totals.supplier}`)}
            aria-label={`Approve ${approveText} from ${totals.supplier}`}
          >
            Approve {approveText}
          </button>
          <button
            type="button"
            disabled={totals.orders === 0}
            onClick={p.onExport}
            aria-label={`Export CSV of the order to ${totals.supplier}`}
          >
            Export CSV
          </button>
        </div>
      </div>
      {p.open && (
        <div class="table-wrap" id={id}>
          <table class="orders-table">
            <caption class="visually-hidden">Order lines for {totals.supplier}</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" class="num">
                  Quantity
                </th>
                <th scope="col" class="num">
                  Value
                </th>
                <th scope="col" class="num">
                  Unit cost
                </th>
                <th scope="col">Order by</th>
                <th scope="col">Stock-out</th>
                <th scope="col" class="num">
                  Risk
                </th>
                <th scope="col" class="num">
                  Lost revenue
                </th>
                <th scope="col" class="num">
                  Priority
                </th>
                <th scope="col">Approval</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <LineRows key={l.sku} line={l} {...p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LineRows({
  line: l,
  rank,
  funded,
  drafts,
  setDraft,
  onSave,
  onApprove,
  busy,
}: GroupProps & { line: OrderLine }) {
  const d = drafts.get(l.sku) ?? null;
  const moq = l.moq ?? null;
  const pack = l.pack_size ?? null;
  const fieldId = `qty-${slug(l.sku)}-${l.sku.length}`;
  const changed = d !== null && d.text.trim() !== String(l.final_qty);
  const check = d === null ? null : checkQuantity(d.text, moq, pack);
  const inBudget = l.final_qty <= 0 || funded(l.sku);
  const r = rank(l.sku);
  const terms = [moq !== null && moq > 1 ? `MOQ ${moq}` : null, pack !== null && pack > 1 ? `packs of ${pack}` : null]
    .filter((x) => x !== null)
    .join(', ');
  const update = (patch: Partial<Draft>) =>
    setDraft(l.sku, {
      text: String(l.final_qty),
      reason: '',
      note: null,
      refused: null,
      reasonError: null,
      saving: false,
      ...d,
      ...patch,
    });
  return (
    <>
      <tr data-sku={l.sku} class={inBudget ? undefined : 'over'}>
        <th scope="row" class="product-cell">
          <a href={`/products/${encodeURIComponent(l.sku)}`}>{l.sku}</a>
          {l.name !== null && <span class="product-name">{l.name}</span>}
        </th>
        <td class="num qty-cell">
          <input
            id={fieldId}
            class={`qty-input${check !== null && !check.ok ? ' invalid' : ''}`}
            type="number"
            inputMode="numeric"
            min={0}
            step={pack !== null && pack > 1 ? pack : 1}
            value={d?.text ?? String(l.final_qty)}
            aria-label={`Quantity of ${l.sku}`}
            aria-describedby={`${fieldId}-note`}
            aria-invalid={check !== null && !check.ok}
            data-value={l.final_qty}
            onInput={(e) => {
              const text = (e.target as HTMLInputElement).value;
              const c = checkQuantity(text, moq, pack);
              if (text.trim() === String(l.final_qty) && d?.reason === '') setDraft(l.sku, null);
              else update({ text, note: c.ok ? null : c.message, refused: null });
            }}
            onBlur={() => {
              if (d === null || check === null || check.ok || check.suggested === null) return;
              // the correction is applied when the field is left; its note stays to say why
              update({ text: String(check.suggested), note: check.message });
            }}
          />
          <div id={`${fieldId}-note`} class="qty-note" aria-live="polite">
            {d?.note != null ? (
              <span class="field-error">{d.note}</span>
            ) : l.override !== null ? (
              <span class="muted">plan {fmtUnits(l.order_qty)}</span>
            ) : terms !== '' ? (
              <span class="muted">{terms}</span>
            ) : null}
          </div>
        </td>
        <td class="num" data-field="value" data-value={l.value}>
          {fmtMoney(l.value)}
        </td>
        <td class="num">{fmtPrice(l.unit_cost)}</td>
        <td>{fmtDate(l.order_by)}</td>
        <td>{l.stockout_date === null ? <span class="muted">none</span> : fmtDate(l.stockout_date)}</td>
        <td class="num">{fmtPct(lineRisk(l))}</td>
        <td class="num">{fmtMoney(l.lost_revenue)}</td>
        <td class="num">
          {r === null ? '–' : r}
          {!inBudget && (
            <span class="badge warn budget-out" title="Outside the budget">
              outside budget
            </span>
          )}
        </td>
        <td class="approval">
          {l.approved && l.decision !== null ? (
            <span class="approved" title={fmtStamp(l.decision.decided_at)}>
              <span class="badge good">approved</span> by {l.decision.who}
            </span>
          ) : l.final_qty > 0 ? (
            <button
              type="button"
              disabled={busy || changed}
              onClick={() => onApprove([l.sku], l.sku)}
              aria-label={`Approve ${l.sku}`}
            >
              Approve
            </button>
          ) : (
            <span class="muted">{l.final_qty > 0 ? 'not approved' : 'nothing to order'}</span>
          )}
          {l.override !== null && (
            <span class="muted override-by">
              changed by {l.override.who}
              {l.override.why ? `: ${l.override.why}` : ''}
            </span>
          )}
        </td>
      </tr>
      {d !== null && changed && (
        <tr class="edit-row" data-edit={l.sku}>
          <td colSpan={10}>
            <form
              class="edit-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (check === null || !check.ok) {
                  if (check !== null && !check.ok && check.suggested !== null)
                    update({ text: String(check.suggested), note: check.message });
                  return;
                }
                if (d.reason.trim() === '') {
                  update({ reasonError: 'Say why the quantity changes (kept with your name)' });
                  return;
                }
                onSave(l);
              }}
            >
              <label for={`${fieldId}-why`}>Reason for changing {l.sku}</label>
              <input
                id={`${fieldId}-why`}
                class="reason-input"
                type="text"
                maxLength={500}
                value={d.reason}
                placeholder="e.g. promotion in May"
                aria-invalid={d.reasonError !== null}
                aria-describedby={d.reasonError !== null ? `${fieldId}-why-err` : undefined}
                onInput={(e) => update({ reason: (e.target as HTMLInputElement).value, reasonError: null })}
              />
              <button type="submit" class="primary" disabled={d.saving} aria-label={`Save the quantity of ${l.sku}`}>
                {d.saving ? 'Saving…' : 'Save'}
              </button>
              <button type="button" onClick={() => setDraft(l.sku, null)} aria-label={`Cancel the change to ${l.sku}`}>
                Cancel
              </button>
              {d.reasonError !== null && (
                <p id={`${fieldId}-why-err`} class="field-error" role="alert">
                  {d.reasonError}
                </p>
              )}
              {d.refused !== null && (
                <p class="field-error refused" role="alert" data-suggested={d.refused.suggested ?? undefined}>
                  The service refused it: {d.refused.message}
                  {d.refused.suggested !== null && (
                    <>
                      {' '}
                      <button
                        type="button"
                        onClick={() => update({ text: String(d.refused!.suggested), note: null, refused: null })}
                      >
                        Use {fmtUnits(d.refused.suggested)}
                      </button>
                    </>
                  )}
                </p>
              )}
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
