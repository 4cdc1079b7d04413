import { InputError } from '../../data/errors.js';
import { r2, table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

/** `shopcast lifecycle`: where each SKU stands in its life cycle, why, and what changed since the last run. */
export async function lifecycleCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    sku: { type: 'string' },
    'as-of': { type: 'string' },
    top: { type: 'string', default: '20' },
  });
  if (values.help) return help(io, 'lifecycle');
  const top = wholeNumber(values, 'top', 'lifecycle') ?? 20;
  const { lifecycleWorkspace } = await import('../../pipeline/lifecycle.js');
  const r = await withWorkspace(values, (ws) =>
    lifecycleWorkspace(ws, {
      ...(values.sku !== undefined ? { sku: values.sku as string } : {}),
      ...(values['as-of'] !== undefined ? { asOf: values['as-of'] as string } : {}),
    }),
  );
  if (values.sku !== undefined && r.skus.length === 0)
    throw new InputError(`lifecycle: no demand for SKU '${values.sku}' in the workspace`);
  if (values.json) {
    io.out(JSON.stringify(values.sku !== undefined ? { ...r, sku: r.skus[0] } : r) + '\n');
    return 0;
  }
  const stored = r.run_id !== null ? `, run ${r.run_id} stored in the workspace` : '';
  let out = `Life cycle as of ${r.as_of} (${r.skus.length} SKUs${stored}):\n`;
  if (r.part_week !== null)
    out +=
      `the current week (from ${r.part_week.week_start}, ${r.part_week.days} of 7 days in the data) counts at its ` +
      `pace so far: its units over the ${Math.round(r.part_week.share * 100)} % of a week's sales those days bring\n`;
  out += table(
    ['stage', 'SKUs'],
    Object.entries(r.counts).map(([k, v]) => [k, v]),
  );
  if (r.blend !== null)
    out +=
      `\nYoung products: forecast = ${r.blend.weight} × launch curve + ${r2(1 - r.blend.weight)} × ` +
      `statistical engine (backtest on ${r.blend.products} products, WAPE curve ${r2(r.blend.wape_curve)}, ` +
      `engine ${r2(r.blend.wape_engine)}, blend ${r2(r.blend.wape_blend)})\n`;
  if (r.previous_run !== null)
    out +=
      `\n${r.alerts.length} stage changes since run ${r.previous_run.run_id} (as ` +
      `of ${r.previous_run.as_of})${r.alerts.length > 0 ? ':' : ''}\n`;
  if (r.alerts.length > 0)
    out += table(
      ['sku', 'from', 'to', 'confidence'],
      r.alerts.slice(0, top).map((a) => [a.sku, a.from, a.to, r2(a.confidence)]),
    );
  const describe = (s: (typeof r.skus)[number]): string[] => {
    const c = s.evidence.curve;
    const t = s.evidence.trend;
    return [
      s.sku,
      (s.description ?? '').slice(0, 32),
      s.stage,
      r2(s.confidence).toString(),
      t.tested
        ? `${t.relativeSlope >= 0 ? '+' : ''}${Math.round(t.relativeSlope * 100)} %/wk (p ${r2(t.p)})`
        : `too few weeks (${t.window})`,
      `${Math.round(s.evidence.level.ratio * 100)} % of peak`,
      c === undefined ? '–' : `${c.family}, R² ${r2(c.r2)}, ${peakText(c.peakWeek, s.weeks)}`,
    ];
  };
  const header = ['sku', 'description', 'stage', 'conf.', 'trend (13 wk)', 'level', 'curve'];
  if (values.sku !== undefined) {
    const s = r.skus[0]!;
    out += `\n` + table(header, [describe(s)]);
    out +=
      `\nweekly stages since ${s.first_week} (I introduction, G growth, M maturity, D decline, Z ` +
      `dormant, E ended):\n${s.history}\n`;
    if (s.forecast !== undefined) {
      const next = s.forecast
        .map(
          (f) =>
            `${f.week_start}${f.current ? ` (this week: ${r2(s.part_week_units ?? 0)} sold so far + the rest)` : ''} ` +
            `${r2(f.curve)}/${r2(f.engine)}/${r2(f.blend)}`,
        )
        .join(', ');
      out += `\nnext weeks (curve / engine / blend): ${next}\n`;
    }
  } else {
    out += `\nThe ${Math.min(top, r.skus.length)} SKUs selling most in the last 4 weeks:\n`;
    const recent = (s: (typeof r.skus)[number]): number => s.evidence.level.recent;
    out += table(
      header,
      [...r.skus]
        .sort((a, b) => recent(b) - recent(a))
        .slice(0, top)
        .map(describe),
    );
  }
  // every table ends its line; the output ends with one newline whatever was printed last
  io.out(out.endsWith('\n') ? out : out + '\n');
  return 0;
}

/** The curve's peak for the table: the week it peaked in, or how many weeks ahead when it is beyond the data. */
function peakText(peakWeek: number, weeks: number): string {
  const ahead = Math.round(peakWeek - weeks);
  return peakWeek <= weeks
    ? `peak wk ${Math.max(1, Math.round(peakWeek))} of ${weeks}`
    : `peak in ~${Math.max(1, ahead)} wk`;
}
