// The Products page (issue #20): every SKU in one fast table (GET /skus/table, held in memory as typed arrays and
// virtualised), with a search, filters and sorts kept in the URL query (back, forward and reload keep them),
// sparklines for the rows on screen, and live updates: a `forecast.updated` event refetches the table with its
// ETag.
import { useLocation } from 'preact-iso';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { qs } from '../api';
import { ErrorBox, Loading } from '../components/status';
import { fmtDate, fmtUnits } from '../format';
import { useEvents } from '../live';
import {
  type Category,
  type SortDir,
  type SortKey,
  type TableModel,
  type TableView,
  alertName,
  applyView,
  buildModel,
  permutation,
  queryOfView,
  viewFromQuery,
} from '../components/products-model';
import { fetchTable, forgetSparklines } from '../components/products-data';
import { ProductsTable } from '../components/products-table';

const FILTERS: { key: Category; label: string; all: string }[] = [
  { key: 'abc', label: 'ABC class', all: 'All ABC' },
  { key: 'xyz', label: 'XYZ class', all: 'All XYZ' },
  { key: 'stage', label: 'Stage', all: 'All stages' },
  { key: 'supplier', label: 'Supplier', all: 'All suppliers' },
];

/** The sorts the menu offers (the column headers also sort the other way). */
const SORT_OPTIONS = [
  'risk:desc',
  'days_of_stock:asc',
  'revenue:desc',
  'forecast_change:desc',
  'forecast_change:asc',
  'forecast_30d:desc',
  'sku:asc',
];

export function ProductsPage() {
  const loc = useLocation();
  const urlView = useMemo(() => viewFromQuery(loc.query), [loc.url]);
  const [model, setModel] = useState<TableModel | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [sparkVersion, setSparkVersion] = useState(0);
  const etag = useRef<string | null>(null);
  // the search filters at once; the URL follows a moment later (replacing, so typing is not a history entry each)
  const [q, setQ] = useState(urlView.q);
  const lastPushedQ = useRef(urlView.q);
  useEffect(() => {
    if (urlView.q !== lastPushedQ.current) {
      lastPushedQ.current = urlView.q;
      setQ(urlView.q);
    }
  }, [urlView.q]);

  const load = useCallback(() => {
    fetchTable(etag.current).then(
      (r) => {
        if (r === null) return;
        etag.current = r.etag;
        setModel(buildModel(r.table));
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))),
    );
  }, []);
  useEffect(load, [load]);
  // the sorts one may pick next, computed while the browser is idle, so a click only walks a kept permutation
  useEffect(() => {
    if (model === null) return;
    const todo = SORT_OPTIONS.map((o) => o.split(':') as [SortKey, SortDir]);
    let handle = 0;
    const next = () => {
      const s = todo.shift();
      if (s === undefined) return;
      permutation(model, s[0], s[1]);
      handle = requestIdleCallback(next);
    };
    handle = requestIdleCallback(next);
    return () => cancelIdleCallback(handle);
  }, [model]);
  useEvents(['forecast.updated', 'plan.finished'], (_t, data) => {
    const skus = (data as { skus?: unknown }).skus;
    if (Array.isArray(skus)) forgetSparklines(skus.filter((s): s is string => typeof s === 'string'));
    setSparkVersion((n) => n + 1);
    load();
  });

  const view: TableView = { ...urlView, q };
  const go = (next: TableView, replace = false) => {
    lastPushedQ.current = next.q;
    loc.route(`/products${qs(queryOfView(next))}`, replace);
  };
  useEffect(() => {
    if (q === urlView.q) return;
    const t = setTimeout(() => go({ ...urlView, q }, true), 250);
    return () => clearTimeout(t);
  }, [q, loc.url]);

  const rows = useMemo(
    () => (model === null ? null : applyView(model, view)),
    [model, view.q, view.abc, view.xyz, view.stage, view.supplier, view.alert, view.sort, view.dir],
  );

  // from the URL as it is now, not as this render saw it: two changes in one tick both hold
  const set = (patch: Partial<TableView>) =>
    go({ ...viewFromQuery(Object.fromEntries(new URLSearchParams(location.search))), q, ...patch });
  const filtered = FILTERS.some((f) => view[f.key] !== '') || view.alert !== '' || view.q !== '';

  return (
    <section class="products-page" data-page="products" data-ready={rows !== null ? '' : undefined}>
      <h1 tabIndex={-1}>Products</h1>
      <form class="toolbar" role="search" aria-label="Filter products" onSubmit={(e) => e.preventDefault()}>
        <div class="control grow">
          <label for="products-q">Search SKU or description</label>
          <input
            id="products-q"
            type="search"
            value={q}
            placeholder="e.g. 85123A or lantern"
            autocomplete="off"
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
        </div>
        {FILTERS.map((f) => (
          <div class="control" key={f.key}>
            <label for={`products-${f.key}`}>{f.label}</label>
            <select
              id={`products-${f.key}`}
              value={view[f.key]}
              onChange={(e) => set({ [f.key]: (e.target as HTMLSelectElement).value })}
            >
              <option value="">{f.all}</option>
              {(model?.cat[f.key].values ?? (view[f.key] === '' ? [] : [view[f.key]])).map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div class="control">
          <label for="products-alert">Alert</label>
          <select
            id="products-alert"
            value={view.alert}
            onChange={(e) => set({ alert: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All</option>
            <option value="*">Any open alert</option>
            <option value="none">No alert</option>
            {(model?.cat.alert.values ?? []).map((v) => (
              <option key={v} value={v}>
                {alertName(v)}
              </option>
            ))}
          </select>
        </div>
        <div class="control">
          <label for="products-sort">Sort by</label>
          <select
            id="products-sort"
            value={`${view.sort}:${view.dir}`}
            onChange={(e) => {
              const [sort, dir] = (e.target as HTMLSelectElement).value.split(':') as [SortKey, SortDir];
              set({ sort, dir });
            }}
          >
            <option value="risk:desc">Stock-out risk, highest first</option>
            <option value="days_of_stock:asc">Days of stock, fewest first</option>
            <option value="revenue:desc">Revenue, highest first</option>
            <option value="forecast_change:desc">Forecast change, largest rise first</option>
            <option value="forecast_change:asc">Forecast change, largest fall first</option>
            <option value="forecast_30d:desc">Forecast, highest first</option>
            <option value="sku:asc">SKU, A to Z</option>
            {!SORT_OPTIONS.includes(`${view.sort}:${view.dir}`) && (
              <option value={`${view.sort}:${view.dir}`}>
                {view.sort.replace(/_/g, ' ')}, {view.dir === 'asc' ? 'ascending' : 'descending'}
              </option>
            )}
          </select>
        </div>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setQ('');
              go({ ...view, q: '', abc: '', xyz: '', stage: '', supplier: '', alert: '' });
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      {model === null || rows === null ? (
        error !== null ? (
          <ErrorBox error={error} />
        ) : (
          <Loading what="the products" />
        )
      ) : (
        <>
          <p class="products-count" role="status" aria-live="polite" data-testid="products-count">
            <span data-shown={rows.length}>{fmtUnits(rows.length)}</span> of{' '}
            <span data-total={model.n}>{fmtUnits(model.n)}</span> SKUs
            {model.asOf !== null && <span class="muted"> · data to {fmtDate(model.asOf)}</span>}
          </p>
          {error !== null && <ErrorBox error={error} />}
          <ProductsTable
            model={model}
            rows={rows}
            sort={view.sort}
            dir={view.dir}
            sparkVersion={sparkVersion}
            viewKey={loc.url}
            onSort={(sort, dir) => set({ sort, dir })}
          />
          {rows.length === 0 && <p class="muted">No SKU matches these filters.</p>}
        </>
      )}
    </section>
  );
}
