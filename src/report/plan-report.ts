/**
 * The plan report: one self-contained HTML page (inline CSS and SVG, no scripts, no external
 * resources) rendered as a pure function of a PlanReport.
 */
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import type { PlanReport, PlanReportSku } from './plan-data.js';
import {
  type AxisTick,
  bandPath,
  coord,
  escapeXml as esc,
  linearScale,
  linePath,
  niceTicks,
  spreadIndices,
  svgLine,
  svgText,
  xAxis,
  yAxis,
} from './svg.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// (calendar helpers: numerics/calendar.ts)
const STAGES = new Set(['introduction', 'growth', 'maturity', 'decline', 'dormant', 'ended']);
const ALERT_LABELS = { stockout: 'Stock-out', stage: 'Stage change', budget: 'Budget', data: 'Data' } as const;

/**
 * A number with comma thousands separators and a fixed number of decimals, independent of the
 * machine's locale; non-finite values print as '–'. Example: formatNumber(-12345.678, 1) = '-12,345.7'.
 */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? '.' + fraction : '');
}

function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '–';
  if (share > 0 && share < 0.01) return '<1%';
  return `${formatNumber(share * 100)}%`;
}

function formatMoney(value: number, currency: string): string {
  return (value < 0 ? '-' : '') + esc(currency) + formatNumber(Math.abs(value));
}

function formatDays(days: number): string {
  return Number.isFinite(days) ? `${formatNumber(days)} days` : 'no demand';
}

/** Tick labels with as many decimals as the step needs, and k / M beyond ten thousand. */
function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(step))));
  const top = Math.max(...ticks.map(Math.abs));
  if (top >= 1e6) return ticks.map((t) => `${formatNumber(t / 1e6, step >= 1e6 ? 0 : 1)}M`);
  if (top >= 1e4) return ticks.map((t) => `${formatNumber(t / 1e3, step >= 1e3 ? 0 : 1)}k`);
  return ticks.map((t) => formatNumber(t, decimals));
}

/** Days since 1970-01-01 for a YYYY-MM-DD prefix (UTC, so the machine's time zone never matters). */
function dayNumber(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : NaN;
}

function formatDate(iso: string, withYear = true): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m || !MONTHS[Number(m[2]) - 1]) return esc(iso);
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}${withYear ? ' ' + m[1] : ''}`;
}

function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!m) return esc(iso);
  return `${formatDate(m[1]!)}, ${m[2]}${m[3] === 'Z' ? ' UTC' : m[3] ? ' ' + m[3] : ''}`;
}

/** Date labels for the chart's x axis: day and month, with the year where it first shows or changes. */
function dateTicks(days: number[], x: (day: number) => number, max: number): AxisTick[] {
  const unique = [...new Set(days.filter(Number.isFinite))].sort((a, b) => a - b);
  let year = '';
  return spreadIndices(unique.length, max).map((i) => {
    const iso = isoDate(unique[i]! * DAY_MS);
    const label = formatDate(iso, false) + (iso.slice(0, 4) !== year ? ` ’${iso.slice(2, 4)}` : '');
    year = iso.slice(0, 4);
    return { at: x(unique[i]!), label };
  });
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return lo <= hi ? [lo, hi] : [0, 0];
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width: number, height: number): Frame {
  return { width, height, left: 46, right: width - 14, top: 30, bottom: height - 26 };
}

/** A row of legend entries (a short line or a box, then the label) starting at (x, y). */
function legend(items: { cls: string; label: string; box?: boolean }[], x: number, y: number): string {
  let out = '';
  for (const item of items) {
    out += item.box
      ? `<rect class="${item.cls}" x="${coord(x)}" y="${coord(y - 6)}" width="14" height="9"/>`
      : svgLine(x, y - 1.5, x + 14, y - 1.5, item.cls);
    out += svgText(x + 19, y + 2, item.label, 'class="legend"');
    x += 19 + item.label.length * 6.1 + 14;
  }
  return out;
}

function svgOpen(f: Frame, cls: string, label: string): string {
  const size = `viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}"`;
  return `<svg class="chart ${cls}" role="img" aria-label="${esc(label)}" ${size}>`;
}

/** Weekly history, the forecast's 90 % and 50 % bands and mean, split by a "today" divider. */
function forecastChart(s: PlanReportSku): string {
  const f = frame(640, 260);
  const hist = s.history.filter((p) => Number.isFinite(dayNumber(p.date)));
  const fc = s.forecast.filter((p) => Number.isFinite(dayNumber(p.date)));
  const hDays = hist.map((p) => dayNumber(p.date));
  const fDays = fc.map((p) => dayNumber(p.date));
  const lastHist = hDays.length ? hDays[hDays.length - 1]! : NaN;
  const firstFc = fDays.length ? fDays[0]! : NaN;
  const today =
    hDays.length && fDays.length
      ? (lastHist + firstFc) / 2
      : hDays.length
        ? lastHist + 3.5
        : fDays.length
          ? firstFc - 3.5
          : NaN;
  const [d0, d1] = extent([...hDays, ...fDays, today]);
  const x = linearScale([d0, d1], [f.left + 6, f.right - 6]);
  const values = [0, ...hist.map((p) => p.units), ...fc.flatMap((p) => [p.p05, p.p95, p.mean])];
  const { domain, ticks } = niceTicks(...extent(values), 5);
  const y = linearScale(domain, [f.bottom, f.top]);
  const labels = tickLabels(ticks);
  const fx = fDays.map(x);
  const parts = [
    svgOpen(
      f,
      'forecast-chart',
      `Weekly unit sales of ${s.name}: ${hist.length} weeks of history and a ` +
        `${fc.length}-week forecast with 50% and 90% ranges`,
    ),
    Number.isFinite(today)
      ? `<rect class="future" x="${coord(x(today))}" y="${f.top}" ` +
        `width="${coord(Math.max(0, f.right - x(today)))}" height="${f.bottom - f.top}"/>`
      : '',
    yAxis(
      ticks.map((t, i) => ({ at: y(t), label: labels[i]! })),
      f.left,
      f.right,
    ),
    xAxis(dateTicks([...hDays, ...fDays], x, 7), f.left, f.right, f.bottom),
  ];
  const path = (d: string, cls: string): string => (d ? `<path class="${cls}" d="${d}"/>` : '');
  parts.push(
    path(
      bandPath(
        fx,
        fc.map((p) => y(p.p05)),
        fc.map((p) => y(p.p95)),
      ),
      'band-90',
    ),
    path(
      bandPath(
        fx,
        fc.map((p) => y(p.p25)),
        fc.map((p) => y(p.p75)),
      ),
      'band-50',
    ),
  );
  if (hist.length === 1)
    parts.push(`<circle class="dot-history" cx="${coord(x(hDays[0]!))}" cy="${coord(y(hist[0]!.units))}" r="3"/>`);
  else
    parts.push(
      path(
        linePath(
          hDays.map(x),
          hist.map((p) => y(p.units)),
        ),
        'series-history',
      ),
    );
  if (fc.length === 1)
    parts.push(`<circle class="dot-mean" cx="${coord(fx[0]!)}" cy="${coord(y(fc[0]!.mean))}" r="3"/>`);
  else
    parts.push(
      path(
        linePath(
          fx,
          fc.map((p) => y(p.mean)),
        ),
        'series-mean',
      ),
    );
  if (Number.isFinite(today)) {
    const note = !fc.length ? 'today · no forecast' : hist.length ? 'today' : 'today · no sales history yet';
    const flip = x(today) > f.right - 120; // keep the label inside the plot when "today" is at the right edge
    parts.push(
      svgLine(x(today), f.top - 4, x(today), f.bottom, 'today'),
      svgText(x(today) + (flip ? -4 : 4), f.top + 8, note, `class="today-label"${flip ? ' text-anchor="end"' : ''}`),
    );
  }
  if (!hist.length && !fc.length)
    parts.push(
      svgText(
        (f.left + f.right) / 2,
        (f.top + f.bottom) / 2,
        'No sales history or forecast',
        'class="empty" text-anchor="middle"',
      ),
    );
  parts.push(
    legend(
      [
        { cls: 'series-history', label: 'weekly sales' },
        { cls: 'series-mean', label: 'forecast' },
        { cls: 'band-50', label: '50% range', box: true },
        { cls: 'band-90', label: '90% range', box: true },
      ],
      f.left,
      14,
    ),
    '</svg>',
  );
  return parts.join('');
}

/** Projected daily stock with and without the order, the zero line and the reorder point. */
function stockChart(s: PlanReportSku): string {
  const f = frame(440, 260);
  const proj = s.projection.filter((p) => Number.isFinite(dayNumber(p.date)));
  const days = proj.map((p) => dayNumber(p.date));
  const orderBy = s.orderBy ? dayNumber(s.orderBy) : NaN;
  const [d0, d1] = days.length ? extent(days) : [0, 1];
  const x = linearScale([d0, d1], [f.left + 4, f.right - 4]);
  const { domain, ticks } = niceTicks(
    ...extent([0, s.reorderPoint, ...proj.flatMap((p) => [p.withoutOrder, p.withOrder])]),
    5,
  );
  const y = linearScale(domain, [f.bottom, f.top]);
  const labels = tickLabels(ticks);
  const path = (d: string, cls: string): string => (d ? `<path class="${cls}" d="${d}"/>` : '');
  const parts = [
    svgOpen(
      f,
      'stock-chart',
      `Projected stock of ${s.name} over ${proj.length} days with and without the order of ` +
        `${formatNumber(s.orderQty)} units; reorder point ${formatNumber(s.reorderPoint)}`,
    ),
    domain[0] < 0
      ? `<rect class="shortfall" x="${f.left}" y="${coord(y(0))}" width="${f.right - f.left}" ` +
        `height="${coord(Math.max(0, f.bottom - y(0)))}"/>`
      : '',
    yAxis(
      ticks.map((t, i) => ({ at: y(t), label: labels[i]! })),
      f.left,
      f.right,
    ),
    xAxis(days.length ? dateTicks(days, x, 5) : [], f.left, f.right, f.bottom),
    svgLine(f.left, y(0), f.right, y(0), 'zero'),
  ];
  if (Number.isFinite(s.reorderPoint)) {
    parts.push(
      svgLine(f.left, y(s.reorderPoint), f.right, y(s.reorderPoint), 'rop'),
      svgText(
        f.right - 2,
        y(s.reorderPoint) - 4,
        `reorder point ${formatNumber(s.reorderPoint)}`,
        'class="rop-label" text-anchor="end"',
      ),
    );
  }
  if (Number.isFinite(orderBy) && orderBy >= d0 && orderBy <= d1) {
    parts.push(
      svgLine(x(orderBy), f.top, x(orderBy), f.bottom, 'order-by'),
      svgText(x(orderBy) + 4, f.bottom - 6, 'order by', 'class="order-by-label"'),
    );
  }
  parts.push(
    path(
      linePath(
        days.map(x),
        proj.map((p) => y(p.withOrder)),
      ),
      'series-with',
    ),
    path(
      linePath(
        days.map(x),
        proj.map((p) => y(p.withoutOrder)),
      ),
      'series-without',
    ), // dashes on top stay visible where they coincide
  );
  if (!proj.length)
    parts.push(
      svgText(
        (f.left + f.right) / 2,
        (f.top + f.bottom) / 2,
        'No stock projection',
        'class="empty" text-anchor="middle"',
      ),
    );
  parts.push(
    legend(
      [
        { cls: 'series-with', label: 'with order' },
        { cls: 'series-without', label: 'without order' },
        { cls: 'rop', label: 'reorder point' },
      ],
      f.left,
      14,
    ),
    '</svg>',
  );
  return parts.join('');
}

const STAGE_LABELS: Record<string, string> = {
  introduction: 'introduction',
  growth: 'growth',
  maturity: 'maturity',
  decline: 'decline',
  dormant: 'dormant',
  ended: 'ended',
  unknown: 'not assessed',
};
const stageClass = (stage: string): string => (STAGES.has(stage) ? stage : 'unknown');
const stageLabel = (stage: string): string => STAGE_LABELS[stageClass(stage)]!;

/** Runs of equal stages: [first index, last index, stage]. */
function stageRuns(stages: readonly string[]): [number, number, string][] {
  const runs: [number, number, string][] = [];
  stages.forEach((st, i) => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[2] === st) last[1] = i;
    else runs.push([i, i, st]);
  });
  return runs;
}

/** The stage colours as a legend row, for the stages that occur. */
function stageLegend(stages: Iterable<string>, x: number, y: number): string {
  const seen = new Set(stages);
  return legend(
    ['introduction', 'growth', 'maturity', 'decline', 'dormant', 'ended', 'unknown']
      .filter((st) => seen.has(st))
      .map((st) => ({ cls: `stage-fill st-${st}`, label: STAGE_LABELS[st]!, box: true })),
    x,
    y,
  );
}

/**
 * The life cycle of one SKU: its whole weekly history on bands coloured by the stage assigned to
 * each week, with the fitted launch curve and its peak where one was fitted.
 */
function lifecycleChart(s: PlanReportSku): string {
  const l = s.lifecycle!;
  const f = frame(1080, 220);
  const weeks = l.weeks.filter((w) => Number.isFinite(dayNumber(w.date)));
  const days = weeks.map((w) => dayNumber(w.date));
  const [d0, d1] = days.length ? extent([days[0]!, days[days.length - 1]! + 7]) : [0, 7];
  const x = linearScale([d0, d1], [f.left, f.right]);
  const mid = days.map((d) => x(d + 3.5));
  const curve =
    l.curve !== undefined && l.curve.values.length === l.weeks.length
      ? l.curve.values.filter((_, i) => Number.isFinite(dayNumber(l.weeks[i]!.date)))
      : undefined;
  const { domain, ticks } = niceTicks(...extent([0, ...weeks.map((w) => w.units), ...(curve ?? [])]), 4);
  const y = linearScale(domain, [f.bottom, f.top]);
  const labels = tickLabels(ticks);
  const parts = [
    svgOpen(
      f,
      'lifecycle-chart',
      `Life cycle of ${s.name}: weekly sales over ${weeks.length} weeks coloured by stage, now ${s.stage}`,
    ),
  ];
  for (const [a, b, st] of stageRuns(weeks.map((w) => w.stage))) {
    const x0 = x(days[a]!);
    const x1 = x(days[b]! + 7);
    parts.push(
      `<rect class="stage-band st-${stageClass(st)}" data-stage="${esc(st)}" x="${coord(x0)}" y="${f.top}" ` +
        `width="${coord(Math.max(0, x1 - x0))}" height="${f.bottom - f.top}">` +
        `<title>${esc(stageLabel(st))}: ${formatDate(weeks[a]!.date)} – ${formatDate(weeks[b]!.date)}</title></rect>`,
    );
    if (x1 - x0 > stageLabel(st).length * 6 + 6)
      parts.push(svgText((x0 + x1) / 2, f.top + 11, stageLabel(st), 'class="band-label" text-anchor="middle"'));
  }
  parts.push(
    yAxis(
      ticks.map((t, i) => ({ at: y(t), label: labels[i]! })),
      f.left,
      f.right,
    ),
    xAxis(days.length ? dateTicks(days, x, 10) : [], f.left, f.right, f.bottom),
  );
  const path = (d: string, cls: string): string => (d ? `<path class="${cls}" d="${d}"/>` : '');
  if (weeks.length === 1)
    parts.push(`<circle class="dot-history" cx="${coord(mid[0]!)}" cy="${coord(y(weeks[0]!.units))}" r="3"/>`);
  else
    parts.push(
      path(
        linePath(
          mid,
          weeks.map((w) => y(w.units)),
        ),
        'series-history',
      ),
    );
  if (curve !== undefined) {
    parts.push(path(linePath(mid, curve.map(y)), 'series-curve'));
    const peak = dayNumber(l.curve!.peak);
    if (Number.isFinite(peak) && peak >= d0 && peak <= d1)
      parts.push(
        svgLine(x(peak), f.top + 14, x(peak), f.bottom, 'peak'),
        svgText(x(peak) + 4, f.top + 26, 'curve peak', 'class="peak-label"'),
      );
  }
  if (!weeks.length)
    parts.push(
      svgText(
        (f.left + f.right) / 2,
        (f.top + f.bottom) / 2,
        'No weekly history',
        'class="empty" text-anchor="middle"',
      ),
    );
  const items = [
    { cls: 'series-history', label: 'weekly sales' },
    ...(curve !== undefined ? [{ cls: 'series-curve', label: `fitted ${l.curve!.family} curve` }] : []),
  ];
  parts.push(
    legend(items, f.left, 14),
    stageLegend(
      weeks.map((w) => stageClass(w.stage)),
      f.left + 300,
      14,
    ),
    '</svg>',
  );
  return parts.join('');
}

/** One row per SKU shown, one cell per week, coloured by the stage assigned to that week. */
function stageMap(r: PlanReport, ids: Map<string, string>): string {
  const rows = r.skus.filter((s) => s.lifecycle !== undefined && s.lifecycle.weeks.length > 0);
  if (!rows.length) return '<p class="none">No life-cycle assessment.</p>';
  const all = rows.flatMap((s) => s.lifecycle!.weeks.map((w) => dayNumber(w.date))).filter(Number.isFinite);
  const [d0, d1] = extent(all);
  const nameW = 250;
  const stageW = 130;
  const rowH = 18;
  const f = {
    width: 1080,
    height: 34 + rows.length * rowH + 26,
    left: nameW,
    right: 1080 - stageW,
    top: 34,
    bottom: 34 + rows.length * rowH,
  };
  const x = linearScale([d0, d1 + 7], [f.left, f.right]);
  const parts = [svgOpen(f, 'stage-map', `Life-cycle stage week by week of the ${rows.length} SKUs shown`)];
  rows.forEach((s, k) => {
    const top = f.top + k * rowH;
    const weeks = s.lifecycle!.weeks.filter((w) => Number.isFinite(dayNumber(w.date)));
    const name = s.name.length > 36 ? s.name.slice(0, 35) + '…' : s.name;
    parts.push(
      `<a href="#${ids.get(s.sku)}">${svgText(f.left - 8, top + 13, name, 'class="map-name" text-anchor="end"')}</a>`,
    );
    for (const [a, b, st] of stageRuns(weeks.map((w) => w.stage))) {
      const x0 = x(dayNumber(weeks[a]!.date));
      const x1 = x(dayNumber(weeks[b]!.date) + 7);
      parts.push(
        `<rect class="stage-cell st-${stageClass(st)}" data-sku="${esc(s.sku)}" data-stage="${esc(st)}" ` +
          `x="${coord(x0)}" y="${top + 2}" width="${coord(Math.max(0, x1 - x0))}" height="${rowH - 4}">` +
          `<title>${esc(s.name)}: ${esc(stageLabel(st))}, ` +
          `${formatDate(weeks[a]!.date)} – ${formatDate(weeks[b]!.date)}</title></rect>`,
      );
    }
    parts.push(
      svgText(
        f.right + 8,
        top + 13,
        `${stageLabel(s.stage)} · ${formatPercent(s.stageConfidence)}`,
        `class="map-stage" data-sku="${esc(s.sku)}"`,
      ),
    );
  });
  parts.push(
    xAxis(dateTicks(all, x, 8), f.left, f.right, f.bottom),
    svgText(f.right + 8, f.top - 8, 'now', 'class="legend"'),
    stageLegend(
      rows.flatMap((s) => s.lifecycle!.weeks.map((w) => stageClass(w.stage))),
      f.left,
      14,
    ),
    '</svg>',
  );
  return parts.join('');
}

function skuSection(s: PlanReportSku, id: string, asOf: string): string {
  const stage = stageClass(s.stage);
  const by = s.orderBy ? ` by <b${s.orderBy <= asOf ? ' class="urgent"' : ''}>${formatDate(s.orderBy)}</b>` : '';
  const order = s.orderQty > 0 ? `Order <b>${formatNumber(s.orderQty)}</b>${by}` : 'No order needed';
  const abcBadge =
    `<span class="badge abc-${esc(s.abc)}" title="ABC class ${esc(s.abc)} (share of revenue), ` +
    `XYZ class ${esc(s.xyz)} (demand variability)">${esc(s.abc)}${esc(s.xyz)}</span>`;
  const stageBadge =
    `<span class="badge stage stage-${stage}" title="life-cycle stage and confidence">` +
    `${esc(s.stage)} · ${formatPercent(s.stageConfidence)}</span>`;
  const change = s.stageChange ? `<span class="badge change">${esc(s.stageChange)}</span>` : '';
  const lifecycle =
    s.lifecycle !== undefined
      ? `<figure class="lifecycle"><figcaption>Life cycle: weekly sales since the first week, ` +
        `coloured by the stage of each week</figcaption>${lifecycleChart(s)}` +
        `<p class="evidence">Now <b>${esc(s.stage)}</b> (confidence ${formatPercent(s.stageConfidence)}): ` +
        `${esc(s.lifecycle.evidence)}</p></figure>`
      : '';
  const facts =
    `<p class="facts">On hand <b>${formatNumber(s.onHand)}</b> · on order <b>${formatNumber(s.onOrder)}</b> · ` +
    `${order} · cover <b>${formatDays(s.coverDays)}</b> · ` +
    `stock-out risk <b${s.stockoutRisk >= 0.2 ? ' class="risk"' : ''}>${formatPercent(s.stockoutRisk)}</b> · ` +
    `service level ${formatPercent(s.serviceLevel)} · ` +
    `reorder point ${formatNumber(s.reorderPoint)}, order-up-to ${formatNumber(s.orderUpTo)}` +
    `<br><span class="reason">${esc(s.reason)}</span></p>`;
  return `<section class="sku card" id="${id}" data-sku="${esc(s.sku)}">
<div class="sku-head"><h2>${esc(s.name)}</h2><div class="tags"><code>${esc(s.sku)}</code>
${abcBadge}
${stageBadge}
${change}<span class="model">model ${esc(s.model)}</span></div></div>
<div class="charts"><figure><figcaption>Weekly sales and forecast (units)</figcaption>${forecastChart(s)}</figure>
<figure><figcaption>Projected stock (units, end of day)</figcaption>${stockChart(s)}</figure></div>
${lifecycle}
${facts}
</section>`;
}

function totalsStrip(r: PlanReport): string {
  const t = r.totals;
  const items: [key: string, value: string, label: string][] = [
    ['skus', formatNumber(t.skus), 'SKUs planned'],
    ['skusToOrder', formatNumber(t.skusToOrder), 'SKUs to order'],
    ['orderUnits', formatNumber(t.orderUnits), 'units to order'],
    ['orderValue', formatMoney(t.orderValue, r.currency), 'order value'],
  ];
  if (t.budget !== null) {
    const used = t.budget > 0 ? `${formatPercent(t.orderValue / t.budget)} of ` : '';
    items.push(['budget', formatMoney(t.budget, r.currency), `${used}budget used`]);
  }
  items.push(
    ['skusAtRisk', formatNumber(t.skusAtRisk), 'SKUs at risk of stock-out'],
    ['forecastUnits', formatNumber(t.forecastUnits), `units forecast (${formatNumber(r.horizonDays)} days)`],
    ['forecastRevenue', formatMoney(t.forecastRevenue, r.currency), 'forecast revenue'],
  );
  return `<div class="totals">${items
    .map(
      ([key, value, label]) =>
        `<div class="total${key === 'skusAtRisk' && t.skusAtRisk > 0 ? ' warn' : ''}" data-total="${key}">` +
        `<span class="total-value">${value}</span><span class="total-label">${label}</span></div>`,
    )
    .join('')}</div>`;
}

function alertsList(r: PlanReport, ids: Map<string, string>): string {
  if (!r.alerts.length) return '<p class="none">No alerts.</p>';
  return `<ul class="alerts">${r.alerts
    .map((a) => {
      const link =
        a.sku !== undefined
          ? ids.has(a.sku)
            ? `<a href="#${ids.get(a.sku)}">${esc(a.sku)}</a>`
            : `<code>${esc(a.sku)}</code>`
          : '';
      const skuAttribute = a.sku !== undefined ? ` data-sku="${esc(a.sku)}"` : '';
      const kind = `<span class="kind">${ALERT_LABELS[a.kind] ?? esc(a.kind)}</span>`;
      return `<li class="alert alert-${esc(a.kind)}"${skuAttribute}>${kind}${link} ${esc(a.message)}</li>`;
    })
    .join('')}</ul>`;
}

function orderTable(r: PlanReport, ids: Map<string, string>): string {
  const rows = r.skus
    .filter((s) => s.orderQty > 0)
    .sort((a, b) => (a.orderBy ?? '9999').localeCompare(b.orderBy ?? '9999') || b.orderQty - a.orderQty);
  if (!rows.length) return '<p class="none">Nothing to order.</p>';
  const head =
    '<thead><tr><th>SKU</th><th>Product</th><th class="num">Qty</th><th>Order by</th>' +
    '<th class="num">Cover</th><th class="num">Risk</th><th>Reason</th></tr></thead>';
  return `<table class="orders">${head}<tbody>${rows
    .map(
      (s) =>
        `<tr data-sku="${esc(s.sku)}">` +
        `<td class="nowrap"><a href="#${ids.get(s.sku)}"><code>${esc(s.sku)}</code></a></td>` +
        `<td class="name">${esc(s.name)}</td><td class="num">${formatNumber(s.orderQty)}</td>` +
        `<td class="nowrap${s.orderBy && s.orderBy <= r.asOf ? ' urgent' : ''}">` +
        `${s.orderBy ? formatDate(s.orderBy) : '–'}</td><td class="num nowrap">${formatDays(s.coverDays)}</td>` +
        `<td class="num">${formatPercent(s.stockoutRisk)}</td><td>${esc(s.reason)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

const CSS = [
  '*{box-sizing:border-box}',
  'body{margin:0;background:#f3f4f6;color:#1f2937;',
  'font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}\n',
  'main{max-width:1200px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 4px}',
  'h2{font-size:17px;margin:0;overflow-wrap:anywhere}h3{font-size:15px;margin:0 0 8px}\n',
  '.meta{color:#6b7280;margin:0 0 18px}',
  '.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 18px;margin:0 0 16px}\n',
  '.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;margin:0 0 16px}',
  '.total{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}\n',
  '.total-value{display:block;font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}',
  '.total-label{color:#6b7280;font-size:12px}.total.warn .total-value{color:#b91c1c}\n',
  '.alerts{list-style:none;margin:0;padding:0}',
  '.alert{padding:6px 10px;border-left:4px solid #9ca3af;background:#f9fafb;margin:0 0 6px;',
  'border-radius:0 4px 4px 0;overflow-wrap:anywhere}\n',
  '.alert .kind{font-weight:600;margin-right:8px}.alert a,.alert code{margin-right:6px}',
  '.alert-stockout{border-color:#dc2626;background:#fef2f2}.alert-stage{border-color:#7c3aed;background:#f5f3ff}',
  '.alert-budget{border-color:#d97706;background:#fffbeb}.alert-data{border-color:#2563eb;background:#eff6ff}\n',
  'table{border-collapse:collapse;width:100%;font-size:13px}',
  'th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}',
  'th{color:#6b7280;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}\n',
  'td.name{max-width:320px;overflow-wrap:anywhere}.urgent{color:#b91c1c;font-weight:600}',
  '.none{color:#6b7280;margin:0}.nowrap{white-space:nowrap}a{color:#1d4ed8;text-decoration:none}',
  'code{font:12px ui-monospace,Menlo,Consolas,monospace}\n',
  '.sku-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px;margin:0 0 8px}',
  '.tags{display:flex;flex-wrap:wrap;align-items:center;gap:6px}',
  '.tags code{background:#f3f4f6;padding:1px 6px;border-radius:4px}\n',
  '.badge{font-size:12px;padding:1px 8px;border-radius:10px;background:#e5e7eb}',
  '.abc-A{background:#dcfce7;color:#166534}.abc-B{background:#fef9c3;color:#854d0e}',
  '.abc-C{background:#f3f4f6;color:#374151}\n',
  '.stage-introduction{background:#e0f2fe;color:#075985}.stage-growth{background:#dcfce7;color:#166534}',
  '.stage-maturity{background:#e0e7ff;color:#3730a3}.stage-decline{background:#ffedd5;color:#9a3412}',
  '.stage-dormant,.stage-ended{background:#f3f4f6;color:#4b5563}.change{background:#ede9fe;color:#5b21b6}',
  '.model{color:#6b7280;font-size:12px}\n',
  '.charts{display:grid;grid-template-columns:640fr 440fr;gap:18px}figure{margin:0;min-width:0}',
  'figcaption{font-size:12px;color:#6b7280;margin:0 0 2px}\n',
  'svg.chart{display:block;width:100%;height:auto;font-size:11px}.tick,.legend{fill:#4b5563}.grid{stroke:#eef0f3}',
  '.axis{stroke:#9ca3af}.future{fill:#f8fafc}\n',
  '.band-90{fill:#bfdbfe;stroke:none}.band-50{fill:#60a5fa;fill-opacity:.55;stroke:none}',
  '.series-history{fill:none;stroke:#374151;stroke-width:1.8}',
  '.series-mean{fill:none;stroke:#1d4ed8;stroke-width:2.2}\n',
  '.dot-history{fill:#374151}.dot-mean{fill:#1d4ed8}.today{stroke:#6b7280;stroke-dasharray:3 3}',
  '.today-label,.order-by-label{fill:#6b7280;font-size:10px}.empty{fill:#9ca3af;font-style:italic}\n',
  '.today-label,.order-by-label,.rop-label,.empty{paint-order:stroke;stroke:#fff;stroke-width:3px;',
  'stroke-linejoin:round}\n',
  '.zero{stroke:#6b7280}.rop{stroke:#d97706;stroke-width:1.5;stroke-dasharray:6 3}',
  '.rop-label{fill:#b45309;font-size:10px}.order-by{stroke:#9ca3af;stroke-dasharray:2 3}',
  '.shortfall{fill:#fee2e2;fill-opacity:.6}\n',
  '.series-without{fill:none;stroke:#dc2626;stroke-width:1.8;stroke-dasharray:5 4}',
  '.series-with{fill:none;stroke:#15803d;stroke-width:2.2}\n',
  '.stage-band{fill-opacity:.35}.stage-cell{stroke:#fff;stroke-width:.5}.st-introduction{fill:#7dd3fc}',
  '.st-growth{fill:#4ade80}.st-maturity{fill:#a5b4fc}.st-decline{fill:#fdba74}.st-dormant{fill:#e5e7eb}',
  '.st-ended{fill:#9ca3af}.st-unknown{fill:#f3f4f6}\n',
  '.band-label{fill:#374151;font-size:10px}',
  '.series-curve{fill:none;stroke:#7c3aed;stroke-width:2;stroke-dasharray:7 3}',
  '.peak{stroke:#7c3aed;stroke-dasharray:2 3}.peak-label{fill:#6d28d9;font-size:10px}\n',
  '.map-name{fill:#1f2937;font-size:11px}.map-stage{fill:#374151;font-size:11px}figure.lifecycle{margin-top:14px}',
  '.evidence{margin:4px 0 0;color:#4b5563;font-size:13px}\n',
  '.facts{margin:10px 0 0;font-variant-numeric:tabular-nums}.facts .risk{color:#b91c1c}.reason{color:#4b5563}',
  '.foot{display:grid;grid-template-columns:3fr 2fr;gap:16px;align-items:start}',
  '.foot ul{margin:0;padding-left:18px}\n',
  '@media (max-width:820px){.charts,.foot{grid-template-columns:1fr}}@media print{body{background:#fff}',
  '.card{break-inside:avoid}}',
].join('');

/**
 * Renders the plan report as one self-contained HTML page (inline CSS and SVG charts, no scripts
 * or external resources); every value from the report is HTML-escaped. O(total points).
 * Example: writeFileSync('report.html', renderPlanReport(report)).
 */
export function renderPlanReport(report: PlanReport): string {
  const ids = new Map<string, string>(); // links go to a SKU's first section if it repeats
  report.skus.forEach((s, i) => ids.has(s.sku) || ids.set(s.sku, `sku-${i + 1}`));
  const weeks = report.horizonDays / 7;
  const horizon = `${formatNumber(report.horizonDays)} days${Number.isInteger(weeks) ? ` (${weeks} weeks)` : ''}`;
  const cleaningRows = report.cleaning
    .map((c) => `<tr><td>${esc(c.rule)}</td><td class="num">${formatNumber(c.rows)}</td></tr>`)
    .join('');
  const cleaning = report.cleaning.length
    ? `<table><thead><tr><th>Rule</th><th class="num">Rows</th></tr></thead><tbody>${cleaningRows}</tbody></table>`
    : '<p class="none">No rows changed by cleaning.</p>';
  const meta =
    `Sales up to <b>${formatDate(report.asOf)}</b> · ` +
    `generated ${formatTimestamp(report.generatedAt)} · horizon ${horizon}`;
  const assumptions = report.assumptions.length
    ? `<ul>${report.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
    : '<p class="none">None recorded.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>${esc(report.title)}</h1><p class="meta">${meta}</p></header>
${totalsStrip(report)}
<section class="card"><h3>Alerts</h3>${alertsList(report, ids)}</section>
<section class="card"><h3>Purchase orders</h3>${orderTable(report, ids)}</section>
<section class="card"><h3>Life-cycle stages, week by week</h3>${stageMap(report, ids)}</section>
${report.skus.map((s, i) => skuSection(s, `sku-${i + 1}`, report.asOf)).join('\n')}
<div class="foot"><section class="card"><h3>Assumptions</h3>${assumptions}</section>
<section class="card"><h3>Data cleaning</h3>${cleaning}</section></div>
</main></body></html>
`;
}
