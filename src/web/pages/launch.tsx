// The Launch planner page (issue #20): a new product's name, description, price, launch date, category and service
// level → `POST /launches`: the weekly forecast as a fan chart, the nearest analogs with their own launch curves, the
// initial stock for the service level and the best launch week with its reason. A plan saved with its SKU is then
// tracked against the SKU's sales (`GET /launches`). A 400 naming a field is shown beside that field.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { FanChart, type FanMarks, type FanPoint } from '../components/fan-chart';
import { Kpi } from '../components/kpi';
import { type LaunchAnalog, LaunchAnalogs } from '../components/launch-analogs';
import { SavedLaunches, type TrackedLaunch } from '../components/launch-saved';
import { Show } from '../components/status';
import { fmtDate, fmtPct, fmtPrice, fmtUnits, shopCurrency } from '../format';
import { useApi } from '../use-api';

/** One week of the launch forecast: mean and quantiles of its units. */
interface LaunchWeek {
  week_start: string;
  mean: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

interface BestWeek {
  week_start: string;
  reason: string;
  expected_units?: number;
  candidates?: { week_start: string; expected_units: number }[];
}

/** `POST /launches`'s answer: the fields the page shows (B2's names, and the older `best_launch_week`). */
interface LaunchPlan {
  name: string;
  sku: string | null;
  launch_date: string;
  data_until: string;
  price: number;
  forecast: LaunchWeek[];
  analogs: LaunchAnalog[];
  initial_stock: { units: number; service_level: number; cover_weeks: number; cover_mean: number };
  best_week?: BestWeek;
  best_launch_week?: BestWeek;
  weeks_compared?: { week_start: string; expected_units: number }[];
  model?: { launches_learned_from: number };
}

/** The form as typed. */
interface Form {
  name: string;
  description: string;
  price: string;
  date: string;
  category: string;
  serviceLevel: string;
}

type Field = keyof Form | 'sku' | 'form';

/** No days to shade on a launch forecast (one object, so the chart is not redrawn on every hover). */
const NO_MARKS: FanMarks = {};

const EMPTY: Form = { name: '', description: '', price: '', date: '', category: '', serviceLevel: '95' };

/** The form field a 400 names (`body.price`, `price`, `serviceLevel`…); 'form' when it names none of them. */
function fieldOf(e: ApiError): Field {
  const f = (e.field ?? '').replace(/^body\./, '').split(/[.[]/)[0] ?? '';
  return (
    (['name', 'description', 'price', 'date', 'category', 'serviceLevel', 'sku'] as const).find((k) => k === f) ??
    'form'
  );
}

/** The request body for the form (price and service level as numbers; empty optional fields left out). */
function request(f: Form): Record<string, unknown> {
  const body: Record<string, unknown> = { name: f.name.trim(), price: Number(f.price) };
  if (f.description.trim() !== '') body['description'] = f.description.trim();
  if (f.category.trim() !== '') body['category'] = f.category.trim();
  if (f.date !== '') body['date'] = f.date;
  if (f.serviceLevel.trim() !== '') body['serviceLevel'] = Number(f.serviceLevel) / 100;
  return body;
}

/** What the browser checks before asking: a name (the service checks every value and names the field it refuses). */
function localErrors(f: Form): Partial<Record<Field, string>> {
  return f.name.trim() === '' ? { name: 'Give the product a name' } : {};
}

function useElapsed(running: boolean): number {
  const [s, setS] = useState(0);
  useEffect(() => {
    if (!running) return;
    setS(0);
    const t0 = Date.now();
    const id = setInterval(() => setS(Math.floor((Date.now() - t0) / 1000)), 1000);
    return () => clearInterval(id);
  }, [running]);
  return s;
}

function TextField(p: {
  id: Field;
  label: string;
  value: string;
  error: string | undefined;
  onInput: (v: string) => void;
  hint?: string;
  type?: 'text' | 'number' | 'date';
  required?: boolean;
  attrs?: Record<string, string | number>;
  area?: boolean;
}) {
  const described = [p.hint !== undefined ? `${p.id}-hint` : '', p.error !== undefined ? `${p.id}-error` : '']
    .filter((x) => x !== '')
    .join(' ');
  const common = {
    id: `launch-${p.id}`,
    name: p.id,
    value: p.value,
    required: p.required,
    'aria-invalid': p.error !== undefined,
    'aria-describedby': described === '' ? undefined : described,
    onInput: (e: Event) => p.onInput((e.target as HTMLInputElement).value),
  };
  return (
    <div class={`field field-${p.id}`}>
      <label for={`launch-${p.id}`}>{p.label}</label>
      {p.area ? (
        <textarea rows={2} maxLength={2000} {...common} />
      ) : (
        // preact types `type` as a union that narrows the other attributes; the three types used here take them all
        <input type={(p.type ?? 'text') as 'text'} {...p.attrs} {...common} />
      )}
      {p.hint !== undefined && (
        <p id={`${p.id}-hint`} class="muted hint">
          {p.hint}
        </p>
      )}
      {p.error !== undefined && (
        <p id={`${p.id}-error`} class="field-error" data-field={p.id}>
          {p.error}
        </p>
      )}
    </div>
  );
}

export function LaunchPage() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [running, setRunning] = useState(false);
  const [plan, setPlan] = useState<{ plan: LaunchPlan; asked: Form } | null>(null);
  const [sku, setSku] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const tracked = useApi<{ launches: TrackedLaunch[] }>('/launches');
  const elapsed = useElapsed(running);
  const result = useRef<HTMLHeadingElement>(null);

  const set = (k: keyof Form) => (v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined, form: undefined }));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const local = localErrors(form);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      document.getElementById(`launch-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    setRunning(true);
    setSaved(null);
    try {
      const p = await api.post<LaunchPlan>('/launches', request(form));
      setPlan({ plan: p, asked: form });
      requestAnimationFrame(() => result.current?.focus());
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const f = fieldOf(err);
        setErrors({ [f]: err.message });
        if (f !== 'form') document.getElementById(`launch-${f}`)?.focus();
      } else setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setRunning(false);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (plan === null) return;
    if (sku.trim() === '') {
      setErrors((x) => ({ ...x, sku: 'Give the SKU code the product will sell under' }));
      return;
    }
    setSaving(true);
    try {
      await api.post<LaunchPlan>('/launches', { ...request(plan.asked), sku: sku.trim(), save: true });
      setSaved(sku.trim());
      tracked.reload();
    } catch (err) {
      setErrors((x) => ({ ...x, sku: err instanceof Error ? err.message : String(err) }));
    } finally {
      setSaving(false);
    }
  };

  const p = plan?.plan ?? null;
  const best = p === null ? null : (p.best_week ?? p.best_launch_week ?? null);
  const compared = p === null ? [] : (p.weeks_compared ?? best?.candidates ?? []);
  // kept between renders: the chart is redrawn when its points or marks change
  const points = useMemo<FanPoint[]>(
    () =>
      p === null
        ? []
        : p.forecast.map((w) => ({ date: w.week_start, mean: w.mean, p05: w.p05, p25: w.p25, p75: w.p75, p95: w.p95 })),
    [p],
  );
  const bestUnits = compared.reduce((m, c) => Math.max(m, c.expected_units), 0);

  return (
    <section class="launch-page" data-page="launch">
      <h1 tabIndex={-1}>Launch planner</h1>
      <p class="muted">
        Plan a product the shop has never sold: its first weeks' demand, learned from the shop's earlier launches and
        the products most like it, and the stock to start with.
      </p>
      <form class="card launch-form" onSubmit={submit} noValidate aria-busy={running}>
        <div class="launch-fields">
          <TextField
            id="name"
            label="Name"
            value={form.name}
            error={errors.name}
            onInput={set('name')}
            required
            attrs={{ maxLength: 200 }}
          />
          <TextField
            id="price"
            label={`Price per unit (${shopCurrency()})`}
            type="number"
            value={form.price}
            error={errors.price}
            onInput={set('price')}
            required
            attrs={{ min: 0.01, step: 0.01, inputMode: 'decimal' }}
          />
          <TextField
            id="date"
            label="Launch date"
            type="date"
            value={form.date}
            error={errors.date}
            onInput={set('date')}
            hint="Empty: the day after the data ends"
          />
          <TextField
            id="category"
            label="Category"
            value={form.category}
            error={errors.category}
            onInput={set('category')}
            attrs={{ maxLength: 200 }}
          />
          <TextField
            id="serviceLevel"
            label="Service level (%)"
            type="number"
            value={form.serviceLevel}
            error={errors.serviceLevel}
            onInput={set('serviceLevel')}
            hint="Chance the initial stock covers the first weeks"
            attrs={{ min: 5, max: 95, step: 1 }}
          />
          <TextField
            id="description"
            label="Description"
            value={form.description}
            error={errors.description}
            onInput={set('description')}
            area
            hint="Words like those of similar products find better analogs"
          />
        </div>
        <div class="launch-submit">
          <button type="submit" class="primary" disabled={running}>
            {running ? 'Planning…' : 'Plan the launch'}
          </button>
          {running && (
            <p class="launch-progress" role="status">
              <progress aria-label="Planning the launch" /> Learning from the shop's earlier launches… {elapsed} s
            </p>
          )}
          {errors.form !== undefined && (
            <p class="error" role="alert">
              {errors.form}
            </p>
          )}
        </div>
      </form>

      {p !== null && best !== null && (
        <div
          class="launch-result"
          data-launch-date={p.launch_date}
          data-initial-stock={p.initial_stock.units}
          data-best-week={best.week_start}
        >
          <h2 ref={result} tabIndex={-1}>
            {p.name}: launch on {fmtDate(p.launch_date)} at {fmtPrice(p.price)}
          </h2>
          <p class="muted">
            From the data up to {fmtDate(p.data_until)}
            {p.model !== undefined && <>, learned from {p.model.launches_learned_from} earlier launches</>}.
          </p>
          <dl class="kpis">
            <Kpi
              label="Initial stock"
              value={`${fmtUnits(p.initial_stock.units)} units`}
              note={`covers ${p.initial_stock.cover_weeks} weeks with ${fmtPct(p.initial_stock.service_level)} confidence`}
            />
            <Kpi
              label={`Expected in ${p.initial_stock.cover_weeks} weeks`}
              value={`${fmtUnits(p.initial_stock.cover_mean)} units`}
            />
            <Kpi
              label={`Expected in ${p.forecast.length} weeks`}
              value={`${fmtUnits(p.forecast.reduce((a, w) => a + w.mean, 0))} units`}
            />
            <Kpi label="Best launch week" value={fmtDate(best.week_start)} note={best.reason} />
          </dl>
          <div class="card">
            <h3>Weekly units forecast</h3>
            <FanChart
              points={points}
              marks={NO_MARKS}
              label={`Weekly units forecast for ${p.name}: mean with 50% and 90% ranges`}
              stepDays={7}
              height={260}
            />
          </div>
          {compared.length > 1 && (
            <div class="card launch-weeks">
              <h3>Launch weeks compared</h3>
              <p class="muted">Units expected over the forecast weeks for each start: {best.reason}.</p>
              <ol class="week-bars">
                {compared.map((c) => (
                  <li key={c.week_start} class={c.week_start === best.week_start ? 'best' : undefined}>
                    <span class="week-label">{fmtDate(c.week_start)}</span>
                    <span
                      class="week-bar"
                      style={{ width: `${bestUnits > 0 ? (c.expected_units / bestUnits) * 100 : 0}%` }}
                    />
                    <span class="week-units">
                      {fmtUnits(c.expected_units)}
                      {c.week_start === best.week_start && <strong> best</strong>}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          )}
          <h3>Nearest analogs</h3>
          <p class="muted">
            Earlier launches most like it: each line is that product's own weekly sales since its launch; the dashed
            line is this forecast, on the same scale.
          </p>
          <LaunchAnalogs analogs={p.analogs} forecast={p.forecast.map((w) => w.mean)} />
          <form class="card save-launch" onSubmit={save} noValidate>
            <h3>Save this launch</h3>
            <p class="muted">Saved with its SKU, the plan is tracked against the SKU's sales once it sells.</p>
            <div class="save-row">
              <TextField
                id="sku"
                label="SKU code"
                value={sku}
                error={errors.sku}
                onInput={(v) => {
                  setSku(v);
                  setErrors((x) => ({ ...x, sku: undefined }));
                }}
                attrs={{ maxLength: 100 }}
              />
              <button type="submit" class="primary" disabled={saving}>
                {saving ? 'Saving…' : 'Save launch'}
              </button>
            </div>
            {saved !== null && (
              <p class="notice" role="status">
                Saved as {saved}: it is tracked below.
              </p>
            )}
          </form>
        </div>
      )}

      <h2>Saved launches</h2>
      <Show q={tracked} what="the saved launches">
        {(d) => <SavedLaunches launches={d.launches} />}
      </Show>
    </section>
  );
}
