/**
 * The plan report: one self-contained HTML page (inline CSS and SVG, no scripts, no external
 * resources) rendered as a pure function of a PlanReport.
 */
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import {
  dayNumber,
  formatDate as plainDate,
  formatDays,
  formatMoney as plainMoney,
  formatNumber,
  formatPercent,
} from './format.js';
import type { PlanReport, PlanReportAlert, PlanReportOrder, PlanReportSku } from './plan-data.js';
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

// (calendar helpers: numerics/calendar.ts; number, money and date formats: ./format.ts)
const STAGES = new Set(['introduction', 'growth', 'maturity', 'decline', 'dormant', 'ended']);
const ALERT_LABELS = { stockout: 'Stock-out', stage: 'Stage change', budget: 'Budget', data: 'Data' } as const;
/** Alerts of each kind shown before the rest are folded away (the rest are counted and one click away). */
const ALERTS_SHOWN = 15;

export { formatNumber };

/** A date for the page: '5 Nov 2011', escaped when it is not a date. */
const formatDate = (iso: string, withYear = true): string => esc(plainDate(iso, withYear));
const formatMoney = (value: number, currency: string): string => esc(plainMoney(value, currency));

/** Tick labels with as many decimals as the step needs, and k / M beyond ten thousand. */
function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(step))));
  const top = Math.max(...ticks.map(Math.abs));
  if (top >= 1e6) return ticks.map((t) => `${formatNumber(t / 1e6, step >= 1e6 ? 0 : 1)}M`);
  if (top >= 1e4) return ticks.map((t) => `${formatNumber(t / 1e3, step >= 1e3 ? 0 : 1)}k`);
  return ticks.map((t) => formatNumber(t, decimals));
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
    const label = plainDate(iso, false) + (iso.slice(0, 4) !== year ? ` ’${iso.slice(2, 4)}` : '');
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
    `<div class="facts"><p>On hand <b>${formatNumber(s.onHand)}</b> · on order <b>${formatNumber(s.onOrder)}</b> · ` +
    `${order} · cover <b>${formatDays(s.coverDays)}</b> · ` +
    `stock-out risk <b${s.stockoutRisk >= 0.2 ? ' class="risk"' : ''}>${formatPercent(s.stockoutRisk)}</b> · ` +
    `service level ${formatPercent(s.serviceLevel)} · ` +
    `reorder point ${formatNumber(s.reorderPoint)}, order-up-to ${formatNumber(s.orderUpTo)}</p>` +
    `<p class="why">${esc(s.why)}</p><details class="detail"><summary>Technical detail</summary>${esc(s.reason)}` +
    `</details></div>`;
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
    ['atStake', formatMoney(t.atStake, r.currency), 'sales lost before deliveries can arrive'],
    ['forecastUnits', formatNumber(t.forecastUnits), `units forecast (${formatNumber(r.horizonDays)} days)`],
    ['forecastRevenue', formatMoney(t.forecastRevenue, r.currency), 'forecast revenue'],
  );
  const warn = (key: string): boolean =>
    (key === 'skusAtRisk' && t.skusAtRisk > 0) || (key === 'atStake' && t.atStake > 0);
  return `<div class="totals">${items
    .map(
      ([key, value, label]) =>
        `<div class="total${warn(key) ? ' warn' : ''}" data-total="${key}">` +
        `<span class="total-value">${value}</span><span class="total-label">${label}</span></div>`,
    )
    .join('')}</div>`;
}

/** A link to the SKU's section when it has one, else its code. */
function skuLink(sku: string, ids: Map<string, string>): string {
  return ids.has(sku) ? `<a href="#${ids.get(sku)}"><code>${esc(sku)}</code></a>` : `<code>${esc(sku)}</code>`;
}

function alertItem(a: PlanReportAlert, ids: Map<string, string>, currency: string): string {
  const skuAttribute =
    (a.sku !== undefined ? ` data-sku="${esc(a.sku)}"` : '') +
    (a.atStake !== undefined && Number.isFinite(a.atStake) ? ` data-stake="${a.atStake}"` : '');
  const kind = `<span class="kind">${ALERT_LABELS[a.kind] ?? esc(a.kind)}</span>`;
  const name = a.name !== undefined && a.name !== '' ? `<b class="alert-name">${esc(a.name)}</b> ` : '';
  const sku = a.sku !== undefined ? skuLink(a.sku, ids) : '';
  const stake =
    a.atStake !== undefined && a.atStake > 0
      ? ` <span class="stake">${formatMoney(a.atStake, currency)} at stake</span>`
      : '';
  return `<li class="alert alert-${esc(a.kind)}"${skuAttribute}>${kind}${name}${sku} ${esc(a.message)}${stake}</li>`;
}

/**
 * The alerts in the order given (most money at stake first): the first ALERTS_SHOWN of each kind,
 * the rest counted and folded into a <details>, never dropped; the total at stake above them.
 */
function alertsList(r: PlanReport, ids: Map<string, string>): string {
  if (!r.alerts.length) return '<p class="none">No alerts.</p>';
  const shown: PlanReportAlert[] = [];
  const folded: PlanReportAlert[] = [];
  const seen = new Map<string, number>();
  for (const a of r.alerts) {
    seen.set(a.kind, (seen.get(a.kind) ?? 0) + 1);
    (seen.get(a.kind)! <= ALERTS_SHOWN ? shown : folded).push(a);
  }
  const stake = (list: PlanReportAlert[]): number => list.reduce((sum, a) => sum + (a.atStake ?? 0), 0);
  const stockouts = r.alerts.filter((a) => a.kind === 'stockout');
  const lost = stake(stockouts);
  const summary = stockouts.length
    ? `<p class="alert-summary" data-alerts="${r.alerts.length}">${formatNumber(stockouts.length)} ` +
      `stock-out ${stockouts.length === 1 ? 'alert' : 'alerts'}` +
      (lost > 0
        ? `: <b>${formatMoney(lost, r.currency)}</b> of sales expected to be lost before deliveries can arrive. ` +
          'Most money at stake first, then A items.'
        : ', A items first.') +
      '</p>'
    : '';
  const list = (items: PlanReportAlert[]): string =>
    `<ul class="alerts">${items.map((a) => alertItem(a, ids, r.currency)).join('')}</ul>`;
  const kinds = [...new Set(folded.map((a) => a.kind))]
    .map((k) => `${folded.filter((a) => a.kind === k).length} ${ALERT_LABELS[k].toLowerCase()}`)
    .join(', ');
  const more = folded.length
    ? `<details class="more-alerts" data-folded="${folded.length}"><summary>${formatNumber(folded.length)} more ` +
      `${folded.length === 1 ? 'alert' : 'alerts'} (${kinds})` +
      (stake(folded) > 0 ? `, ${formatMoney(stake(folded), r.currency)} at stake` : '') +
      `</summary>${list(folded)}</details>`
    : '';
  return summary + list(shown) + more;
}

const ORDER_HEAD =
  '<thead><tr><th>Product</th><th class="num">Qty</th><th class="num">Value</th><th>Order by</th>' +
  '<th class="num">Cover</th><th class="num">Risk</th><th>What to do and why</th></tr></thead>';

/** One order line as a table row (a card on a phone), with the values the sort buttons sort by. */
function orderRow(o: PlanReportOrder, ids: Map<string, string>, r: PlanReport, id: string): string {
  const data =
    `data-sku="${esc(o.sku)}" data-value="${Number.isFinite(o.value) ? o.value : 0}" ` +
    `data-risk="${Number.isFinite(o.risk) ? o.risk : 0}" ` +
    `data-lost="${Number.isFinite(o.lostRevenue) ? o.lostRevenue : 0}" ` +
    `data-by="${esc(o.orderBy)}"`;
  const late = o.expedite
    ? `<span class="flag expedite">expedite</span><span class="late">runs out ` +
      `${o.stockoutDate !== null ? formatDate(o.stockoutDate) : 'before it arrives'}` +
      (o.lostUnits > 0
        ? ` · ~${formatNumber(o.lostUnits)} units, ${formatMoney(o.lostRevenue, r.currency)} lost`
        : '') +
      '</span>'
    : '';
  return (
    `<tr class="order-row${o.expedite ? ' expedite' : ''}" id="${id}" ${data}>` +
    `<td class="product"><span class="name">${esc(o.name)}</span> ${skuLink(o.sku, ids)} ` +
    `<span class="badge abc-${esc(o.abc)}" title="ABC class: A items bring most of the revenue">` +
    `${esc(o.abc)}</span></td>` +
    `<td class="num" data-label="Qty">${formatNumber(o.qty)}</td>` +
    `<td class="num" data-label="Value">${formatMoney(o.value, r.currency)}</td>` +
    `<td class="by${o.orderBy <= r.asOf || o.expedite ? ' urgent' : ''}" data-label="Order by">` +
    `${formatDate(o.orderBy)}${late}</td>` +
    `<td class="num" data-label="Cover">${formatDays(o.coverDays)}</td>` +
    `<td class="num" data-label="Risk">${formatPercent(o.risk)}</td>` +
    `<td class="why"><p>${esc(o.why)}</p><details class="detail"><summary>Technical detail</summary>` +
    `${esc(o.detail)}</details></td></tr>`
  );
}

/** Orders by the last day to place them, then the money at stake and the value, then the SKU. */
function byDate(a: PlanReportOrder, b: PlanReportOrder): number {
  return (
    a.orderBy.localeCompare(b.orderBy) ||
    b.lostRevenue - a.lostRevenue ||
    b.value - a.value ||
    a.sku.localeCompare(b.sku)
  );
}

/**
 * At most this many lines of each order list (to place, deferred, held back) are rows of the report, the most urgent
 * (by the day to order, then the sales at stake): a shop of 100,000 SKUs has tens of thousands of order lines, which
 * orders.csv holds; the supplier totals still count every line.
 */
export const REPORT_ORDER_LINES = 1000;

/** The plan's three order lists: to place, deferred by the budget (quantity 0), held back. */
function orderLists(orders: PlanReportOrder[]): Record<'place' | 'deferred' | 'held', PlanReportOrder[]> {
  return {
    place: orders.filter((o) => !o.heldBack && o.qty > 0),
    deferred: orders.filter((o) => !o.heldBack && !(o.qty > 0)),
    held: orders.filter((o) => o.heldBack),
  };
}

/** The order lines the report lists: each list's REPORT_ORDER_LINES most urgent. */
function shownOrders(orders: PlanReportOrder[]): Set<PlanReportOrder> {
  const shown = new Set<PlanReportOrder>();
  for (const list of Object.values(orderLists(orders)))
    for (const o of [...list].sort(byDate).slice(0, REPORT_ORDER_LINES)) shown.add(o);
  return shown;
}

/**
 * A table of order lines, one <tbody> per supplier (with its count and total) when suppliers are known; only the
 * lines in `shown` are rows (the counts and totals are of them all).
 */
function orderTable(
  rows: PlanReportOrder[],
  ids: Map<string, string>,
  r: PlanReport,
  cls: string,
  rowIds: Map<PlanReportOrder, string>,
  shown: Set<PlanReportOrder>,
): string {
  const groups = new Map<string, PlanReportOrder[]>();
  for (const o of rows) {
    const list = groups.get(o.supplier ?? '');
    if (list) list.push(o);
    else groups.set(o.supplier ?? '', [o]);
  }
  const named = [...groups.keys()].some((k) => k !== '');
  const sum = (list: PlanReportOrder[]): number =>
    list.reduce((a, o) => a + (Number.isFinite(o.value) ? o.value : 0), 0);
  const totals = new Map([...groups].map(([k, list]) => [k, sum(list)]));
  const bodies = [...groups.entries()]
    .sort(
      ([ka], [kb]) =>
        Number(ka === '') - Number(kb === '') || totals.get(kb)! - totals.get(ka)! || ka.localeCompare(kb),
    )
    .map(([supplier, list]) => {
      const listed = list.filter((o) => shown.has(o));
      const part = listed.length < list.length ? ` (the ${formatNumber(listed.length)} most urgent listed)` : '';
      const head = named
        ? `<tr class="group"><th colspan="7"><span class="supplier">${supplier ? esc(supplier) : 'No supplier given'}` +
          `</span> · ${formatNumber(list.length)} ${list.length === 1 ? 'order' : 'orders'}${part} · ` +
          `<b>${formatMoney(totals.get(supplier)!, r.currency)}</b></th></tr>`
        : '';
      return (
        `<tbody data-supplier="${esc(supplier)}">${head}` +
        `${listed
          .sort(byDate)
          .map((o) => orderRow(o, ids, r, rowIds.get(o)!))
          .join('')}</tbody>`
      );
    });
  return `<table class="orders ${cls}">${ORDER_HEAD}${bodies.join('')}</table>`;
}

const SORT_BAR =
  '<div class="sort-bar" hidden>Sort by ' +
  [
    ['by', 'asc', 'order-by date'],
    ['value', 'desc', 'money'],
    ['lost', 'desc', 'sales at stake'],
    ['risk', 'desc', 'risk'],
    ['sku', 'asc', 'SKU'],
  ]
    .map(
      ([key, dir, label], i) =>
        `<button type="button" data-sort="${key}" data-dir="${dir}" aria-pressed="${i === 0}">${label}</button>`,
    )
    .join('') +
  '</div>';

/**
 * Sorts the rows of every order table within their supplier group by the button's key (the page
 * reads in date order without it). Reads only the rows' data attributes.
 */
const SORT_SCRIPT = `(function () {
  var bar = document.querySelector('.sort-bar');
  if (!bar) return;
  bar.hidden = false;
  bar.addEventListener('click', function (e) {
    var b = e.target.closest('button');
    if (!b) return;
    var key = b.dataset.sort, dir = b.dataset.dir === 'desc' ? -1 : 1, text = key === 'by' || key === 'sku';
    bar.querySelectorAll('button').forEach(function (x) { x.setAttribute('aria-pressed', String(x === b)); });
    document.querySelectorAll('table.orders tbody').forEach(function (tb) {
      var rows = Array.prototype.slice.call(tb.querySelectorAll('tr.order-row'));
      rows.sort(function (p, q) {
        var x = p.dataset[key], y = q.dataset[key];
        var c = text ? (x < y ? -1 : x > y ? 1 : 0) : Number(x) - Number(y);
        return c * dir || (p.dataset.sku < q.dataset.sku ? -1 : 1);
      });
      rows.forEach(function (row) { tb.appendChild(row); });
    });
  });
})();`;

const ORDER_HELP =
  '<p class="help"><b>Cover</b>: how long the stock on hand and on order lasts at the forecast sales rate. ' +
  '<b>Risk</b>: the chance of running out before a delivery could arrive if you do not place the order. ' +
  '<b>Expedite</b>: the stock is expected to run out before the order can arrive, even placed today; the ' +
  'units and money shown are the sales expected to be lost until it arrives. ' +
  '<b>A</b>, <b>B</b>, <b>C</b>: the items that bring most, some and little of the revenue.</p>';

/** The plan's order lines: to place (by supplier), deferred by the budget, held back; each list's most urgent. */
function ordersSection(r: PlanReport, ids: Map<string, string>, shown: Set<PlanReportOrder>): string {
  if (!r.orders.length) return '<p class="none">Nothing to order.</p>';
  const { place, deferred, held } = orderLists(r.orders);
  const rowIds = new Map(r.orders.map((o, i) => [o, `order-${i + 1}`]));
  const value = place.reduce((a, o) => a + (Number.isFinite(o.value) ? o.value : 0), 0);
  const units = place.reduce((a, o) => a + o.qty, 0);
  const late = place.filter((o) => o.expedite).length;
  const summary =
    `<p class="order-summary" data-orders="${r.orders.length}"><b>${formatNumber(place.length)}</b> ` +
    `${place.length === 1 ? 'order' : 'orders'} to place: ${formatNumber(units)} units, ` +
    `<b>${formatMoney(value, r.currency)}</b>` +
    (late ? `; <b class="urgent">${formatNumber(late)}</b> cannot arrive before the stock runs out (expedite)` : '') +
    (deferred.length ? `; ${formatNumber(deferred.length)} deferred by the budget` : '') +
    (held.length ? `; ${formatNumber(held.length)} held back` : '') +
    (shown.size === r.orders.length
      ? '. Every line of orders.csv is listed here.</p>'
      : `. The ${formatNumber(REPORT_ORDER_LINES)} most urgent lines of each list are shown here (by the day to ` +
        `order, then the sales at stake); <a href="orders.csv">orders.csv</a> has all ` +
        `${formatNumber(r.orders.length)}.</p>`);
  return (
    summary +
    ORDER_HELP +
    SORT_BAR +
    (place.length
      ? orderTable(place, ids, r, 'to-place', rowIds, shown)
      : '<p class="none">Nothing to place now.</p>') +
    (deferred.length
      ? `<h4>Deferred to stay within the budget (${formatNumber(deferred.length)})</h4>` +
        orderTable(deferred, ids, r, 'deferred', rowIds, shown)
      : '') +
    (held.length
      ? `<h4>Held back: not suggested, check first (${formatNumber(held.length)})</h4>` +
        orderTable(held, ids, r, 'held-back', rowIds, shown)
      : '')
  );
}

/** The purchase orders per supplier and location, and the transfers between locations (when the plan has them). */
function networkSection(r: PlanReport): string {
  const n = r.network;
  if (n === undefined) return '';
  const where = (l: string): string => (l === '' ? '<span class="none">—</span>' : esc(l));
  const poRows = n.purchaseOrders
    .map(
      (p) =>
        `<tr><td><code>${esc(p.poId)}</code></td>` +
        `<td class="supplier">${p.supplier === '' ? 'no supplier' : esc(p.supplier)}</td>` +
        `<td>${where(p.location)}</td><td class="num">${formatNumber(p.lines)}</td>` +
        `<td class="num">${formatNumber(p.units)}</td><td class="num">${formatMoney(p.value, r.currency)}</td>` +
        `<td>${p.raised > 0 ? `${formatNumber(p.raised)} raised to the supplier's minimum` : ''}</td></tr>`,
    )
    .join('');
  const transferRows = n.transfers
    .map(
      (t) =>
        `<tr><td class="product"><span class="name">${esc(t.name)}</span> <code>${esc(t.sku)}</code></td>` +
        `<td>${where(t.from)}</td><td>${where(t.to)}</td><td class="num">${formatNumber(t.qty)}</td>` +
        `<td class="num">${formatMoney(t.cost, r.currency)}</td>` +
        `<td class="num">${formatMoney(t.saves, r.currency)}</td></tr>`,
    )
    .join('');
  return (
    `<section class="card network"><h3>Purchase orders by supplier and location</h3>` +
    `<p class="help">Each product's order split over the locations so that each one's stock lasts about as long; ` +
    `every order meets its supplier's minimums. The lines: <a href="purchase-orders.csv">purchase-orders.csv</a>.</p>` +
    `<table class="pos"><thead><tr><th>Order</th><th>Supplier</th><th>Location</th><th class="num">Lines</th>` +
    `<th class="num">Units</th><th class="num">Value</th><th></th></tr></thead><tbody>${poRows}</tbody></table>` +
    (n.transfers.length > 0
      ? `<h4>Transfers between locations (${formatNumber(n.transfers.length)})</h4>` +
        `<p class="help">A location that runs out before a purchase order could arrive, supplied by one with more ` +
        `than it needs, where the sales saved are worth more than the move costs ` +
        `(<a href="transfers.csv">transfers.csv</a>).</p>` +
        `<table class="transfers"><thead><tr><th>Product</th><th>From</th><th>To</th><th class="num">Units</th>` +
        `<th class="num">Cost</th><th class="num">Sales saved</th></tr></thead><tbody>${transferRows}</tbody></table>`
      : '') +
    `</section>`
  );
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
  'td.product{min-width:170px;max-width:260px;overflow-wrap:anywhere}table.orders td.num{white-space:nowrap}',
  'td.product .name{display:block}',
  'td.why{min-width:280px;overflow-wrap:anywhere}td.why p{margin:0}.urgent{color:#b91c1c;font-weight:600}\n',
  'tr.group th{background:#f9fafb;color:#1f2937;font-weight:400;padding-top:10px}.supplier{font-weight:650}',
  '.flag{display:inline-block;font-size:11px;font-weight:650;text-transform:uppercase;letter-spacing:.03em;',
  'padding:0 6px;border-radius:4px;margin:2px 0 0 6px}.expedite .flag,.flag.expedite{background:#dc2626;color:#fff}',
  '.late{display:block;font-size:12px;font-weight:400}\n',
  'details.detail{margin:2px 0 0;font-size:12px;color:#4b5563}details.detail summary{cursor:pointer;color:#6b7280}',
  '.help{color:#4b5563;font-size:12px;margin:0 0 10px}.order-summary{margin:0 0 6px}h4{margin:16px 0 6px}\n',
  '.sort-bar{margin:0 0 8px;display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:13px}',
  '.sort-bar button{font:inherit;padding:2px 10px;border:1px solid #d1d5db;border-radius:12px;background:#fff;',
  'cursor:pointer}.sort-bar button[aria-pressed="true"]{background:#1d4ed8;border-color:#1d4ed8;color:#fff}\n',
  '.alert-summary{margin:0 0 8px}.alert-name{margin-right:6px}.stake{white-space:nowrap;font-weight:600;color:#b91c1c}',
  '.more-alerts summary{cursor:pointer;color:#1d4ed8;margin:4px 0 6px}\n',
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
  '.facts{margin:10px 0 0;font-variant-numeric:tabular-nums}.facts p{margin:0 0 4px}.facts .risk{color:#b91c1c}',
  '.facts .why{color:#1f2937}',
  '.foot{display:grid;grid-template-columns:3fr 2fr;gap:16px;align-items:start}',
  '.foot ul{margin:0;padding-left:18px}\n',
  '.network{overflow-x:auto}\n',
  '@media (max-width:820px){.charts,.foot{grid-template-columns:1fr}}\n',
  // phones: the order tables become one card per line, each value with its column's name
  '@media (max-width:640px){main{padding:12px}.card{padding:12px}h1{font-size:20px;overflow-wrap:anywhere}',
  'table.orders,table.orders tbody,table.orders tr,table.orders th,table.orders td{display:block}',
  'table.orders thead{display:none}table.orders tr.order-row{border:1px solid #e5e7eb;border-radius:6px;',
  'margin:0 0 8px;padding:6px 10px;display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0 12px}',
  'table.orders td.product,table.orders td.by,table.orders td.why{grid-column:1/-1}',
  'table.orders td{border:0;padding:2px 0;text-align:left;max-width:none;',
  'min-width:0}table.orders td[data-label]::before{content:attr(data-label) ": ";color:#6b7280}',
  'table.orders tr.group th{border:0;padding:10px 0 6px;background:none}td.product .name{font-weight:600}}\n',
  '@media print{body{background:#fff}',
  '.card{break-inside:avoid}}',
].join('');

/** Where an alert's SKU links to: its section when the report shows it in detail, else its order line if listed. */
function alertLinks(r: PlanReport, ids: Map<string, string>, shown: Set<PlanReportOrder>): Map<string, string> {
  const links = new Map<string, string>();
  r.orders.forEach((o, i) => links.has(o.sku) || !shown.has(o) || links.set(o.sku, `order-${i + 1}`));
  for (const [sku, id] of ids) links.set(sku, id);
  return links;
}

/**
 * Renders the plan report as one self-contained HTML page (inline CSS and SVG charts, no scripts
 * or external resources); every value from the report is HTML-escaped. O(total points).
 * Example: writeFileSync('report.html', renderPlanReport(report)).
 */
export function renderPlanReport(report: PlanReport): string {
  const ids = new Map<string, string>(); // links go to a SKU's first section if it repeats
  report.skus.forEach((s, i) => ids.has(s.sku) || ids.set(s.sku, `sku-${i + 1}`));
  const shown = shownOrders(report.orders);
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
<section class="card"><h3>Alerts</h3>${alertsList(report, alertLinks(report, ids, shown))}</section>
<section class="card"><h3>Purchase orders</h3>${ordersSection(report, ids, shown)}</section>
${networkSection(report)}
<section class="card"><h3>Life-cycle stages, week by week</h3>${stageMap(report, ids)}</section>
${report.skus.map((s, i) => skuSection(s, `sku-${i + 1}`, report.asOf)).join('\n')}
<div class="foot"><section class="card"><h3>Assumptions</h3>${assumptions}</section>
<section class="card"><h3>Data cleaning</h3>${cleaning}</section></div>
</main>${report.orders.length ? `<script>${SORT_SCRIPT}</script>` : ''}</body></html>
`;
}
