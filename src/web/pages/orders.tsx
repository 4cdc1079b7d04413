// The Purchase orders page (issue #20): the latest plan's suggested orders grouped by supplier, each group with its
// totals; quantities edited inline with the supplier's MOQ and pack size checked as you type; approvals per line and
// per supplier with who approved; a CSV per supplier; and a budget slider that says, on every move, which lines the
// budget funds first and which fall outside it. A finished plan reloads the page's data.
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, qs, seg } from '../api';
import { Kpi } from '../components/kpi';
import { type Draft, type OrderLine, type SupplierTotals, SupplierGroup, lineRisk } from '../components/orders-group';
import { BUDGET_RULE, type BudgetLine, budgetPriority, fundLines } from '../components/orders-rules';
import { NetworkOrders } from '../components/orders-network';
import { ErrorBox, Loading } from '../components/status';
import { fmtDate, fmtMoney, fmtStamp, fmtUnits } from '../format';
import { useEvents } from '../live';
import { useApi } from '../use-api';

interface PlanOrders {
  run_id: number;
  as_of: string;
  created_at: string;
  orders: OrderLine[];
  suppliers: SupplierTotals[];
}

/** Groups open by default up to this many lines (a 5,000-line plan opens collapsed and stays fast). */
const OPEN_UP_TO = 300;

/** A slider step that gives about 200 stops over `max`, rounded to 1, 2 or 5 × a power of ten. */
function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 200;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** The refusal a 400 from the override carries (B2's contract: `field: 'quantity'` and `suggested`). */
function refusal(e: unknown): Draft['refused'] {
  if (!(e instanceof ApiError)) return { message: String(e), suggested: null };
  const s = e.body['suggested'];
  return { message: e.message, suggested: typeof s === 'number' ? s : null };
}

export function OrdersPage() {
  const q = useApi<PlanOrders>('/plans/latest/orders');
  useEvents(['plan.finished'], () => q.reload());
  const data = q.data;

  const [budget, setBudget] = useState<number | null>(null);
  const [showZero, setShowZero] = useState(false);
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Draft>>(new Map());
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; bad?: boolean } | null>(null);
  const lastMs = useRef(0);

  // the lines that cost money compete for the budget; their priority depends on the lines only
  const ordered = useMemo(() => (data === null ? [] : data.orders.filter((l) => l.final_qty > 0)), [data]);
  const priority = useMemo(() => {
    const lines: BudgetLine[] = ordered.map((l) => ({
      value: l.value,
      lostRevenue: l.lost_revenue,
      risk: lineRisk(l),
      stockoutDate: l.stockout_date,
    }));
    const order = budgetPriority(lines);
    const rank = new Map<string, number>();
    order.forEach((i, k) => rank.set(ordered[i]!.sku, k + 1));
    return { lines, order, rank };
  }, [ordered]);
  const total = useMemo(() => ordered.reduce((a, l) => a + l.value, 0), [ordered]);
  const cap = budget === null ? total : Math.min(budget, total);
  const funding = useMemo(() => {
    const t0 = performance.now();
    const r = fundLines(priority.lines, priority.order, cap);
    const set = new Set<string>();
    r.funded.forEach((f, i) => {
      if (f === 1) set.add(ordered[i]!.sku);
    });
    lastMs.current = performance.now() - t0;
    return { set, spent: r.spent, count: set.size };
  }, [priority, cap]);

  if (data === null) {
    if (q.error instanceof ApiError && q.error.status === 404)
      return (
        <section>
          <h1 tabIndex={-1}>Purchase orders</h1>
          <p class="card">
            No plan in the workspace yet. Run one (<code>shopcast plan</code>, or <code>POST /plans</code>) and its
            suggested orders appear here.
          </p>
        </section>
      );
    return (
      <section>
        <h1 tabIndex={-1}>Purchase orders</h1>
        {q.error !== null ? <ErrorBox error={q.error} /> : <Loading what="the suggested orders" />}
      </section>
    );
  }

  const run = data.run_id;
  const bySupplier = new Map<string, OrderLine[]>();
  for (const l of data.orders) {
    if (!showZero && l.final_qty <= 0) continue;
    const list = bySupplier.get(l.supplier_name) ?? [];
    list.push(l);
    bySupplier.set(l.supplier_name, list);
  }
  const openByDefault = ordered.length <= OPEN_UP_TO;
  const isOpen = (s: string) => openByDefault !== toggled.has(s);
  const zero = data.orders.length - ordered.length;
  const approvedLines = ordered.filter((l) => l.approved).length;
  const units = ordered.reduce((a, l) => a + l.final_qty, 0);
  const outside = ordered.length - funding.count;
  const outsideValue = total - funding.spent;

  const setDraft = (sku: string, d: Draft | null) =>
    setDrafts((m) => {
      const next = new Map(m);
      if (d === null) next.delete(sku);
      else next.set(sku, d);
      return next;
    });

  const approve = async (skus: string[], what: string) => {
    setBusy(true);
    setNotice(null);
    try {
      const r = await api.post<{ approved: number }>(`/plans/${run}/orders/approve`, { skus });
      setNotice({ text: `Approved ${r.approved === 1 ? '1 line' : `${r.approved} lines`} (${what}).` });
      q.reload();
    } catch (e) {
      setNotice({ text: `Could not approve ${what}: ${e instanceof Error ? e.message : String(e)}`, bad: true });
    } finally {
      setBusy(false);
    }
  };

  const save = async (l: OrderLine) => {
    const d = drafts.get(l.sku);
    if (d === undefined) return;
    const quantity = Number(d.text);
    setDraft(l.sku, { ...d, saving: true, refused: null });
    try {
      await api.post(`/plans/${run}/orders/${seg(l.sku)}/override`, { quantity, reason: d.reason.trim() });
      setDraft(l.sku, null);
      setNotice({ text: `${l.sku}: ${fmtUnits(quantity)} units saved (was ${fmtUnits(l.final_qty)}).` });
      q.reload();
    } catch (e) {
      const field = e instanceof ApiError ? (e.field ?? '') : '';
      if (/reason|why/.test(field)) setDraft(l.sku, { ...d, saving: false, reasonError: (e as Error).message });
      else setDraft(l.sku, { ...d, saving: false, refused: refusal(e) });
    }
  };

  const exportCsv = async (supplier: string) => {
    setNotice(null);
    const name = supplier.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'supplier';
    try {
      await api.download(`/plans/${run}/orders.csv${qs({ supplier })}`, `orders-${run}-${name}.csv`);
    } catch (e) {
      setNotice({ text: `Could not export ${supplier}: ${e instanceof Error ? e.message : String(e)}`, bad: true });
    }
  };

  const step = niceStep(total);
  return (
    <section class="orders-page" data-page="orders">
      <h1 tabIndex={-1}>Purchase orders</h1>
      <p class="muted">
        Suggested by the plan of {fmtDate(data.as_of)} (run {run}, made {fmtStamp(data.created_at)}).
      </p>
      <dl class="kpis">
        <Kpi
          label="Lines to order"
          value={fmtUnits(ordered.length)}
          {...(zero > 0 ? { note: `${zero} ${zero === 1 ? 'SKU needs' : 'SKUs need'} nothing` } : {})}
        />
        <Kpi label="Units" value={fmtUnits(units)} />
        <Kpi label="Order value" value={fmtMoney(total)} />
        <Kpi label="Approved" value={`${approvedLines} of ${ordered.length}`} />
      </dl>

      <div class="card budget" data-ms={lastMs.current.toFixed(2)}>
        <div class="budget-row">
          <label for="budget">Budget</label>
          <input
            id="budget"
            type="range"
            min={0}
            max={Math.max(Math.ceil(total / step) * step, step)}
            step={step}
            value={cap}
            aria-valuetext={`${fmtMoney(cap)} of ${fmtMoney(total)}`}
            onInput={(e) => setBudget(Number((e.target as HTMLInputElement).value))}
          />
          <input
            class="budget-amount"
            type="number"
            min={0}
            step="any"
            value={Math.round(cap * 100) / 100}
            aria-label="Budget amount"
            onChange={(e) => {
              const v = Number((e.target as HTMLInputElement).value);
              if (Number.isFinite(v) && v >= 0) setBudget(v);
            }}
          />
          {budget !== null && budget < total && (
            <button type="button" onClick={() => setBudget(null)}>
              No budget
            </button>
          )}
        </div>
        <p class="budget-result" aria-live="polite" data-funded={funding.count} data-outside={outside}>
          {fmtMoney(cap)} of {fmtMoney(total)}: <strong>{funding.count}</strong> of {ordered.length} lines funded (
          {fmtMoney(funding.spent)})
          {outside > 0 ? (
            <>
              , <strong class="warn-text">{outside}</strong> outside the budget ({fmtMoney(outsideValue)}).
            </>
          ) : (
            '.'
          )}
        </p>
        <p class="muted budget-rule">{BUDGET_RULE}</p>
      </div>

      {zero > 0 && (
        <div class="toolbar">
          <label class="check">
            <input
              type="checkbox"
              checked={showZero}
              onChange={(e) => setShowZero((e.target as HTMLInputElement).checked)}
            />
            Show SKUs with nothing to order ({zero})
          </label>
        </div>
      )}
      {notice !== null && (
        <p class={notice.bad ? 'error' : 'notice'} role={notice.bad ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      <NetworkOrders key={run} run={run} />
      {data.suppliers.length === 0 && <p class="card">The plan suggests no orders.</p>}
      {data.suppliers.map((s) => {
        const lines = bySupplier.get(s.supplier) ?? [];
        if (lines.length === 0 && s.orders === 0 && !showZero) return null;
        return (
          <SupplierGroup
            key={s.supplier}
            totals={s}
            lines={lines}
            rank={(sku) => priority.rank.get(sku) ?? null}
            funded={(sku) => funding.set.has(sku)}
            open={isOpen(s.supplier)}
            onToggle={() =>
              setToggled((t) => {
                const next = new Set(t);
                if (next.has(s.supplier)) next.delete(s.supplier);
                else next.add(s.supplier);
                return next;
              })
            }
            drafts={drafts}
            setDraft={setDraft}
            onSave={(l) => void save(l)}
            onApprove={(skus, what) => void approve(skus, what)}
            onExport={() => void exportCsv(s.supplier)}
            busy={busy}
          />
        );
      })}
    </section>
  );
}
