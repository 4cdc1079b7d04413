// The Forecast accuracy page (issue #20): how good the stored forecasts were once the sales came in — forecast
// against actual week by week, the figures by ABC-XYZ class and by horizon (`GET /accuracy`), the monitoring alerts
// (`GET /alerts?kind=…`), and the champion against the challenger with the Diebold–Mariano test in words and, for an
// admin key, the promotion of the challenger.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs, seg } from '../api';
import { type AccuracyRow, ForecastVsActual, MetricsLegend, MetricsTable } from '../components/accuracy-parts';
import { errorText } from '../components/product-data';
import { fmtChange, fmtDate, fmtDay, fmtPct, fmtStamp, fmtUnits } from '../format';
import { useEvents } from '../live';
import { type Loaded, useApi } from '../use-api';

interface Filters {
  role: 'champion' | 'challenger';
  source: '' | 'plan' | 'live' | 'backtest';
  maxStep: '' | '7' | '14' | '28';
}

interface Alert {
  alert_id: number;
  created_at: string;
  sku: string;
  kind: string;
  severity: string;
  message: string;
}

interface Pair {
  n: number;
  actual: number;
  champion_wape: number | null;
  challenger_wape: number | null;
  champion_mase: number | null;
  challenger_mase: number | null;
  champion_bias: number | null;
  challenger_bias: number | null;
}

interface ChampionChallenger {
  champion: string;
  challenger: string | null;
  from: string | null;
  to: string | null;
  weekly: (Pair & { week: string })[];
  overall: Pair;
  dm: {
    statistic: number;
    p_value: number;
    n: number;
    horizon: number;
    loss: string;
    better: 'champion' | 'challenger' | null;
  } | null;
}

const KINDS: [string, string][] = [
  ['tracking_signal', 'Tracking signal (biased forecasts)'],
  ['coverage', 'Coverage (ranges too narrow)'],
  ['drift', 'Drift (worse than in the backtest)'],
  ['anomaly', 'Anomalies (sales outside the 99 % range)'],
];

const NOT_SCORED =
  'No forecast has been scored yet: scores appear once sales arrive after a forecast (a plan forecasts from its last ' +
  'day of data; each later day of sales scores it).';

/** Reloads cost the service a scoring query each: while order batches stream in, at most one every 10 s. */
const RELOAD_GAP_MS = 10_000;

function useThrottledEvents(types: readonly string[], fn: () => void): void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  useEvents(types, () => {
    if (timer.current !== null) return;
    const wait = Math.max(0, last.current + RELOAD_GAP_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      ref.current();
    }, wait);
  });
}

function Section({ title, children, id }: { title: string; children: ComponentChildren; id: string }) {
  return (
    <section class="card acc-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Rows({
  q,
  children,
  empty = NOT_SCORED,
}: {
  q: Loaded<{ rows: AccuracyRow[] }>;
  children: (rows: AccuracyRow[]) => ComponentChildren;
  empty?: string;
}) {
  if (q.data !== null)
    return q.data.rows.length === 0 ? (
      <p class="muted empty" data-testid="acc-empty">
        {empty}
      </p>
    ) : (
      <>{children(q.data.rows)}</>
    );
  if (q.error !== null)
    return (
      <p class="error" role="alert">
        {errorText(q.error)}
      </p>
    );
  return (
    <p class="muted" role="status">
      Loading…
    </p>
  );
}

const classText = (k: string): string => (k === 'unclassified' ? 'unclassified' : k);
const stepText = (k: string): string => (k === '1' ? '1 day ahead' : `${k} days ahead`);

function Alerts() {
  const [kind, setKind] = useState('tracking_signal');
  const q = useApi<{ total: number; alerts: Alert[] }>(`/alerts${qs({ kind, limit: 100 })}`);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEvents(['alert.raised'], () => q.reload());
  const check = async () => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await api.post<{ as_of: string | null; alerts: unknown[]; cleared: number }>('/monitor');
      setMsg({
        ok: true,
        text:
          r.as_of === null
            ? 'No sales yet to check the forecasts against.'
            : `Checked against the sales up to ${fmtDate(r.as_of)}: ${r.alerts.length} new or raised, ` +
              `${r.cleared} cleared.`,
      });
      q.reload();
    } catch (e) {
      const status = (e as { status?: number }).status;
      setMsg({ ok: false, text: status === 403 ? 'Running the checks needs a key with write access.' : errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p class="muted">
        The service checks the forecasts of the last 8 weeks whenever a new day of sales arrives: a tracking signal
        beyond ±4 means the errors keep one sign; a 90 % range that holds fewer than 75 % of the sales is too narrow.
      </p>
      <div class="toolbar">
        <div class="control">
          <label for="acc-kind">Kind</label>
          <select id="acc-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {KINDS.map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => void check()} disabled={busy}>
          {busy ? 'Checking…' : 'Run the checks now'}
        </button>
      </div>
      {msg !== null && (
        <p class={msg.ok ? '' : 'error'} role={msg.ok ? 'status' : 'alert'}>
          {msg.text}
        </p>
      )}
      {q.data === null ? (
        q.error !== null ? (
          <p class="error" role="alert">
            {errorText(q.error)}
          </p>
        ) : (
          <p class="muted" role="status">
            Loading…
          </p>
        )
      ) : q.data.alerts.length === 0 ? (
        <p class="muted" data-testid="alerts-empty">
          No open alert of this kind: the forecasts pass this check (or too few days are scored yet: a check needs 14).
        </p>
      ) : (
        <div class="table-wrap" role="region" aria-label="Open alerts" tabIndex={0}>
          <table data-testid="acc-alerts" data-total={q.data.total}>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Severity</th>
                <th scope="col">What</th>
                <th scope="col">Raised</th>
              </tr>
            </thead>
            <tbody>
              {q.data.alerts.map((a) => (
                <tr key={a.alert_id} data-alert={a.alert_id}>
                  <td>
                    <a href={`/products/${seg(a.sku)}`}>{a.sku}</a>
                  </td>
                  <td>
                    <span class={`badge ${a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''}`}>
                      {a.severity}
                    </span>
                  </td>
                  <td class="wrap">{a.message}</td>
                  <td>{fmtStamp(a.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The Diebold–Mariano result in words. */
function dmWords(c: ChampionChallenger): string {
  if (c.challenger === null) return '';
  const dm = c.dm;
  if (dm === null)
    return (
      `Too few days compared for a Diebold–Mariano test (${c.overall.n} forecasts scored): it needs at least 3 days ` +
      'on which both models forecast and the sales are known.'
    );
  const p = dm.p_value < 0.001 ? 'p < 0.001' : `p = ${dm.p_value.toFixed(3)}`;
  const head = `Diebold–Mariano test over ${dm.n} days (loss: the ${dm.loss}): statistic ${dm.statistic.toFixed(2)}, ${p}. `;
  if (dm.better === null)
    return head + 'No significant difference at the 5 % level: the champion can stay until the evidence is clearer.';
  if (dm.better === 'challenger')
    return head + `The challenger (${c.challenger}) is significantly more accurate: promoting it is worth considering.`;
  return head + `The champion (${c.champion}) is significantly more accurate: keep it.`;
}

function ChampionChallengerView({ isAdmin }: { isAdmin: boolean }) {
  const [weeks, setWeeks] = useState(8);
  const q = useApi<ChampionChallenger>(`/champion-challenger${qs({ weeks })}`);
  const [confirm, setConfirm] = useState(false);
  // the confirmation takes the focus (on Cancel, the safe choice); Escape cancels; the focus goes back after
  const cancelRef = useRef<HTMLButtonElement>(null);
  const promoteRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirm) cancelRef.current?.focus();
    else if (asked.current) promoteRef.current?.focus();
    asked.current = confirm;
  }, [confirm]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useThrottledEvents(['forecast.updated'], q.reload);
  const promote = async () => {
    setMsg(null);
    try {
      const r = await api.post<{ champion: string; challenger: string | null }>('/champion-challenger/promote');
      setMsg({
        ok: true,
        text: `${r.champion} is now the champion (${r.challenger ?? 'none'} the challenger), from the next forecast on.`,
      });
      setConfirm(false);
      q.reload();
    } catch (e) {
      setMsg({ ok: false, text: errorText(e) });
      setConfirm(false);
    }
  };
  if (q.data === null)
    return q.error !== null ? (
      <p class="error" role="alert">
        {errorText(q.error)}
      </p>
    ) : (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  const c = q.data;
  const o = c.overall;
  const row = (role: 'champion' | 'challenger', name: string) => (
    <tr data-role={role}>
      <th scope="row">
        {role === 'champion' ? 'Champion' : 'Challenger'}: <span data-testid={`${role}-name`}>{name}</span>
      </th>
      <td class="num" data-metric="wape" data-value={o[`${role}_wape`] ?? ''}>
        {fmtPct(o[`${role}_wape`])}
      </td>
      <td class="num" data-metric="mase" data-value={o[`${role}_mase`] ?? ''}>
        {o[`${role}_mase`] === null ? '–' : o[`${role}_mase`]!.toFixed(2)}
      </td>
      <td class="num" data-metric="bias" data-value={o[`${role}_bias`] ?? ''}>
        {fmtChange(o[`${role}_bias`])}
      </td>
    </tr>
  );
  return (
    <>
      <div class="toolbar">
        <div class="control">
          <label for="cc-weeks">Compared over</label>
          <select id="cc-weeks" value={String(weeks)} onChange={(e) => setWeeks(Number(e.currentTarget.value))}>
            {[4, 8, 13, 26, 52].map((w) => (
              <option key={w} value={String(w)}>
                the last {w} weeks
              </option>
            ))}
          </select>
        </div>
      </div>
      {c.challenger === null ? (
        <p data-testid="cc-none">
          <strong data-testid="champion-name">{c.champion}</strong> is the champion and no challenger runs beside it. An
          admin can name one (<code>PUT /models</code>); it is then forecast next to the champion and compared here.
        </p>
      ) : (
        <>
          <p class="muted">
            Both models' forecasts of the same products and days
            {c.from !== null && c.to !== null && (
              <>
                {' '}
                from {fmtDate(c.from)} to {fmtDate(c.to)}
              </>
            )}
            : {fmtUnits(o.n)} forecasts scored, {fmtUnits(o.actual)} units sold.
          </p>
          <div class="table-wrap" role="region" aria-label="Champion against challenger" tabIndex={0}>
            <table data-testid="cc-table">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" class="num">
                    WAPE
                  </th>
                  <th scope="col" class="num">
                    MASE
                  </th>
                  <th scope="col" class="num">
                    Bias
                  </th>
                </tr>
              </thead>
              <tbody>
                {row('champion', c.champion)}
                {row('challenger', c.challenger)}
              </tbody>
            </table>
          </div>
          <p data-testid="dm-words">{dmWords(c)}</p>
          {c.weekly.length > 0 && (
            <details>
              <summary>Week by week</summary>
              <div class="table-wrap" role="region" aria-label="Champion against challenger by week" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Week of</th>
                      <th scope="col" class="num">
                        Sold
                      </th>
                      <th scope="col" class="num">
                        Champion WAPE
                      </th>
                      <th scope="col" class="num">
                        Challenger WAPE
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.weekly.map((w) => (
                      <tr key={w.week}>
                        <th scope="row">{fmtDay(w.week)}</th>
                        <td class="num">{fmtUnits(w.actual)}</td>
                        <td class="num">{fmtPct(w.champion_wape)}</td>
                        <td class="num">{fmtPct(w.challenger_wape)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
          {isAdmin &&
            (confirm ? (
              <div
                class="confirm"
                role="group"
                aria-label="Confirm the promotion"
                onKeyDown={(e) => {
                  if (e.key === 'Escape') setConfirm(false);
                }}
              >
                <p>
                  Make <strong>{c.challenger}</strong> the champion? Plans and live forecasts use it from the next
                  forecast on; {c.champion} becomes the challenger.
                </p>
                <button type="button" class="primary" onClick={() => void promote()}>
                  Yes, promote {c.challenger}
                </button>{' '}
                <button type="button" ref={cancelRef} onClick={() => setConfirm(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <p>
                <button type="button" ref={promoteRef} onClick={() => setConfirm(true)}>
                  Promote the challenger…
                </button>
              </p>
            ))}
        </>
      )}
      {msg !== null && (
        <p class={msg.ok ? '' : 'error'} role={msg.ok ? 'status' : 'alert'} data-testid="promote-msg">
          {msg.text}
        </p>
      )}
    </>
  );
}

export function AccuracyPage() {
  const [f, setF] = useState<Filters>({ role: 'champion', source: '', maxStep: '' });
  const base = { role: f.role, source: f.source, max_step: f.maxStep };
  const week = useApi<{ rows: AccuracyRow[] }>(`/accuracy${qs({ by: 'week', ...base })}`);
  const cls = useApi<{ rows: AccuracyRow[] }>(`/accuracy${qs({ by: 'class', ...base })}`);
  const step = useApi<{ rows: AccuracyRow[] }>(`/accuracy${qs({ by: 'step', ...base })}`);
  // new sales score the forecasts: reload the figures when a forecast is redone (a new day of sales arrived)
  useThrottledEvents(['forecast.updated', 'plan.finished'], () => {
    week.reload();
    cls.reload();
    step.reload();
  });
  // the promote button is for admin keys
  const [isAdmin, setAdmin] = useState(false);
  useEffect(() => {
    api.get<{ scope: string }>('/keys/me').then(
      (k) => setAdmin(k.scope === 'admin'),
      () => setAdmin(false),
    );
  }, []);
  const total = week.data?.rows.reduce(
    (s, r) => ({ n: s.n + r.n, actual: s.actual + r.actual, err: s.err + Math.abs(r.actual) * (r.wape ?? 0) }),
    { n: 0, actual: 0, err: 0 },
  );
  return (
    <section class="accuracy">
      <h1 tabIndex={-1}>Forecast accuracy</h1>
      <p class="muted lead">
        Every stored forecast is scored against what then sold; stock-out and closed days are left out (their sales say
        nothing about demand).
      </p>
      <div class="toolbar" role="group" aria-label="Which forecasts">
        <div class="control">
          <label for="acc-role">Model</label>
          <select
            id="acc-role"
            value={f.role}
            onChange={(e) => setF({ ...f, role: e.currentTarget.value as Filters['role'] })}
          >
            <option value="champion">champion</option>
            <option value="challenger">challenger</option>
          </select>
        </div>
        <div class="control">
          <label for="acc-source">Forecasts</label>
          <select
            id="acc-source"
            value={f.source}
            onChange={(e) => setF({ ...f, source: e.currentTarget.value as Filters['source'] })}
          >
            <option value="">all</option>
            <option value="plan">plans</option>
            <option value="live">live updates</option>
            <option value="backtest">backtests</option>
          </select>
        </div>
        <div class="control">
          <label for="acc-step">Horizon</label>
          <select
            id="acc-step"
            value={f.maxStep}
            onChange={(e) => setF({ ...f, maxStep: e.currentTarget.value as Filters['maxStep'] })}
          >
            <option value="">every day ahead</option>
            <option value="7">up to 7 days ahead</option>
            <option value="14">up to 14 days ahead</option>
            <option value="28">up to 28 days ahead</option>
          </select>
        </div>
      </div>
      {total !== undefined && total.actual > 0 && (
        <dl class="kpis">
          <div class="kpi">
            <dt>Forecasts scored</dt>
            <dd>
              <span class="kpi-value" data-testid="acc-n">
                {fmtUnits(total.n)}
              </span>
            </dd>
          </div>
          <div class="kpi">
            <dt>Units sold on those days</dt>
            <dd>
              <span class="kpi-value">{fmtUnits(total.actual)}</span>
            </dd>
          </div>
          <div class="kpi">
            <dt>WAPE overall</dt>
            <dd>
              <span class="kpi-value" data-testid="acc-wape">
                {fmtPct(total.err / total.actual)}
              </span>
            </dd>
          </div>
        </dl>
      )}

      <Section title="Forecast against sales, week by week" id="acc-week">
        <Rows q={week}>
          {(rows) => (
            <>
              <ForecastVsActual rows={rows} />
              <MetricsTable
                rows={rows}
                keyName="Week of"
                label="Accuracy by week"
                keyText={fmtDay}
                testid="acc-by-week"
              />
            </>
          )}
        </Rows>
      </Section>
      <div class="grid acc-grid">
        <Section title="By ABC-XYZ class" id="acc-class">
          <p class="muted">A–C: revenue share (A the top 80 %); X–Z: how regular the demand is (Z the most erratic).</p>
          <Rows q={cls}>
            {(rows) => (
              <MetricsTable
                rows={rows}
                keyName="Class"
                label="Accuracy by class"
                keyText={classText}
                testid="acc-by-class"
              />
            )}
          </Rows>
        </Section>
        <Section title="By horizon" id="acc-step-h">
          <p class="muted">How far ahead the forecast was made: errors usually grow with the distance.</p>
          <Rows q={step}>
            {(rows) => (
              <MetricsTable
                rows={rows}
                keyName="Ahead"
                label="Accuracy by horizon"
                keyText={stepText}
                testid="acc-by-step"
              />
            )}
          </Rows>
        </Section>
      </div>
      <MetricsLegend />
      <Section title="Monitoring alerts" id="acc-alerts-h">
        <Alerts />
      </Section>
      <Section title="Champion against challenger" id="acc-cc">
        <ChampionChallengerView isAdmin={isAdmin} />
      </Section>
    </section>
  );
}
