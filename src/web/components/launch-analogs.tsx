// The nearest analogs of a launch: the shop's earlier launches most like the new product, each with its own weekly
// sales since its launch as a small chart (all on one vertical scale, so their sizes compare), the new product's
// forecast dashed behind it, and a link to its product page.
import { useState } from 'preact/hooks';
import { fmtDate, fmtPct, fmtPrice, fmtUnits } from '../format';

/** One analog as `POST /launches` gives it. */
export interface LaunchAnalog {
  sku: string;
  description: string;
  similarity: number;
  /** weekly units since its launch (null: a week not complete yet) */
  curve: (number | null)[];
  first_sale?: string;
  first_price?: number;
}

/** The curve up to its first missing week. */
export function completeWeeks(curve: readonly (number | null)[]): number[] {
  const out: number[] = [];
  for (const v of curve) {
    if (v === null || !Number.isFinite(v)) break;
    out.push(v);
  }
  return out;
}

/** Analogs shown before "show all" (the nearest first, as the service orders them). */
export const FIRST = 8;

const W = 200;
const H = 56;

/** An SVG polyline's points for `values` over `weeks` slots on a 0–top scale. */
function path(values: readonly number[], weeks: number, top: number): string {
  const dx = weeks > 1 ? (W - 2) / (weeks - 1) : 0;
  return values
    .map((v, i) => `${(1 + i * dx).toFixed(1)},${(H - 2 - (Math.max(v, 0) / top) * (H - 4)).toFixed(1)}`)
    .join(' ');
}

export function LaunchAnalogs({
  analogs,
  forecast,
}: {
  analogs: readonly LaunchAnalog[];
  forecast: readonly number[];
}) {
  const [all, setAll] = useState(false);
  if (analogs.length === 0) return <p class="muted">No earlier launch is similar enough to show.</p>;
  const shown = all ? analogs : analogs.slice(0, FIRST);
  const curves = shown.map((a) => completeWeeks(a.curve));
  const weeks = Math.max(forecast.length, ...curves.map((c) => c.length), 2);
  const top = Math.max(1, ...curves.flat(), ...forecast);
  return (
    <>
      <ul class="analogs">
        {shown.map((a, k) => {
          const c = curves[k]!;
          const total = c.reduce((s, v) => s + v, 0);
          return (
            <li key={a.sku} class="analog card" data-sku={a.sku}>
              <div class="analog-head">
                <a href={`/products/${encodeURIComponent(a.sku)}`}>{a.sku}</a>
                <span class="badge" data-similarity={a.similarity}>
                  {fmtPct(a.similarity)} similar
                </span>
              </div>
              <p class="analog-name">{a.description}</p>
              <svg
                class="analog-chart"
                viewBox={`0 0 ${W} ${H}`}
                preserveAspectRatio="none"
                role="img"
                aria-label={`Weekly units of ${a.sku} in its first ${c.length} weeks: ${c.map((v) => fmtUnits(v)).join(', ')}`}
              >
                <line x1="0" y1={H - 2} x2={W} y2={H - 2} class="analog-axis" />
                {forecast.length > 1 && <polyline points={path(forecast, weeks, top)} class="analog-forecast" />}
                {c.length > 1 && <polyline points={path(c, weeks, top)} class="analog-curve" />}
              </svg>
              <p class="muted analog-meta">
                {fmtUnits(total)} units in {c.length} weeks
                {a.first_sale !== undefined && <> · launched {fmtDate(a.first_sale)}</>}
                {a.first_price !== undefined && <> at {fmtPrice(a.first_price)}</>}
              </p>
            </li>
          );
        })}
      </ul>
      {analogs.length > FIRST && (
        <button type="button" class="more-analogs" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? `Show the nearest ${FIRST}` : `Show all ${analogs.length} analogs`}
        </button>
      )}
    </>
  );
}
