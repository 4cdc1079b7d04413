import { parseArgs } from 'node:util';
import { InputError } from '../data/errors.js';
import { FREQS, type Freq } from '../numerics/calendar.js';
import { availableParallelism } from 'node:os';
import type { IngestReport } from '../pipeline/ingest.js';
import type { WorkspaceSummary } from '../pipeline/inspect.js';
import type { CleaningRuleCount } from '../store/cleaning-report.js';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE } from '../store/defaults.js';
import type { Workspace } from '../store/workspace.js';
import { csvField, fmtInt, fmtNum, table } from './format.js';
import { makeProgress } from './progress.js';

/** Where a command writes: injectable so tests run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  stderr?: NodeJS.WriteStream;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stderr: process.stderr,
};

const USAGE = `shopcast — demand planning for online shops

Usage:
  shopcast plan [<files…>] [--horizon DAYS] [--service-level 0.95] [--budget AMOUNT] [--out DIR]
                [--model auto|…] [--as-of DATE] [--report-skus N] [--json]
                (ingest the files, then forecasts.csv, orders.csv and report.html in --out, default ./plan)
  shopcast ingest <files…> [--map FILE] [--config FILE] [--json]
  shopcast inspect [--top N] [--json]
  shopcast series --sku SKU [--freq day|week] [--json]
  shopcast forecast [--series FILE] [--freq day|week|…] [--horizon N] [--season-length N]
                    [--model auto|global|ensemble|ets|arima|theta|…] [--as-of DATE] [--threads N] [--out forecasts.csv]
  shopcast explain --sku SKU [--date DATE] [--json]   (why the global model forecasts what it does)
  shopcast lifecycle [--sku SKU] [--as-of DATE] [--top N] [--json]   (stage, evidence, curve; alerts on change)
  shopcast launch --name TEXT --price P [--description TEXT] [--category C] [--date DATE] [--sku SKU]
                  [--weeks 12] [--service-level 0.95] [--cover-weeks 4] [--candidates 8] [--json]
  shopcast launch --track [--json]   (stored launches against their sales)
  shopcast backtest [--series FILE] [--freq …] [--horizon N] [--origins 3] [--models a,b,c] [--json]

Every command takes --workspace DIR (default ${DEFAULT_WORKSPACE}), --memory-limit SIZE (DuckDB's
buffer memory, default ${DEFAULT_MEMORY_LIMIT}) and --debug (stack traces).
Files: CSV (plain or .gz) or Parquet; order lines or daily sales (see README, "Data contract").
`;

const COMMON = {
  workspace: { type: 'string', default: DEFAULT_WORKSPACE },
  'memory-limit': { type: 'string', default: DEFAULT_MEMORY_LIMIT },
  json: { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(args: string[], options: OptionSpec, positionals = false): Parsed {
  try {
    const r = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: positionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new InputError(`${(e as Error).message.split('\n')[0]} (shopcast --help)`);
  }
}

async function withWorkspace<T>(values: Parsed['values'], fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const dir = values['workspace'] as string;
  const memoryLimit = values['memory-limit'] as string;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit))
    throw new InputError(`--memory-limit must be a size such as 300MB or 2GB, got '${memoryLimit}'`);
  // DuckDB is loaded only by the commands that use a workspace (it costs ~0.25 s to load).
  const { Workspace } = await import('../store/workspace.js');
  let ws: Workspace;
  try {
    ws = await Workspace.open(dir, { memoryLimit });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) throw new InputError(`${dir}: workspace is in use by another process`);
    throw new InputError(`${dir}: cannot open workspace: ${msg.split('\n')[0]}`);
  }
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}

function cleaningTable(detail: readonly CleaningRuleCount[]): string {
  return table(
    ['rule', 'rows', 'units', 'what it means'],
    detail.map((r) => [r.rule, r.rows, Math.round(r.units), r.description]),
  );
}

function describeIngest(r: IngestReport, dbPath: string): string {
  const lines = [`Ingested ${r.files.length} file${r.files.length === 1 ? '' : 's'} into ${dbPath}`];
  lines.push(
    table(
      ['file', 'layout', 'read', 'loaded', 'new', 'rejected'],
      r.files.map((f) => [f.path, f.layout, f.rows_read, f.rows_loaded, f.rows_new, f.rows_rejected]),
    ),
  );
  lines.push('');
  lines.push(`SKUs with demand: ${fmtInt(r.skus)}   dates: ${r.first_date ?? '-'} → ${r.last_date ?? '-'}`);
  lines.push('');
  lines.push('Cleaning (rows of this ingest; series rules in SKU-days):');
  lines.push(cleaningTable(r.cleaning_detail));
  if (r.rows_rejected > 0) lines.push('', `${fmtInt(r.rows_rejected)} rejected rows with line and reason: ${r.rejects_csv}`);
  return lines.join('\n') + '\n';
}

function describeSummary(s: WorkspaceSummary): string {
  const lines = [
    `Workspace ${s.workspace}: ${s.files} file${s.files === 1 ? '' : 's'} ingested`,
    `  order lines ${fmtInt(s.order_lines)}, daily-sales rows ${fmtInt(s.daily_sales_rows)}, rejected rows ${fmtInt(s.rows_rejected)}`,
    `  SKUs with demand ${fmtInt(s.skus)} (plus ${s.non_product_skus} non-product codes), dates ${s.first_date ?? '-'} → ${s.last_date ?? '-'}, ${s.closed_days} closed days`,
    `  demand ${fmtInt(s.demand_units)} units, revenue ${fmtNum(s.revenue)}`,
    '',
    'Top sellers:',
    table(
      ['sku', 'description', 'units', 'revenue', 'first sale', 'last sale'],
      s.top_sellers.map((t) => [t.sku, t.description, t.units, t.revenue, t.first_sale, t.last_sale]),
    ),
    '',
    'Cleaning report (workspace totals; series rules in SKU-days):',
    cleaningTable(s.cleaning_detail),
  ];
  return lines.join('\n') + '\n';
}

/** `shopcast ingest <files…>` */
export async function ingestCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(args, { map: { type: 'string' }, config: { type: 'string' } }, true);
  if (values.help) return help(io);
  const progress = makeProgress(io.stderr ?? ({ isTTY: false } as NodeJS.WriteStream));
  const { ingestFiles } = await import('../pipeline/ingest.js');
  const report = await withWorkspace(values, async (ws) => {
    try {
      const r = await ingestFiles(ws, positionals, {
        mapPath: values.map as string | undefined,
        configPath: values.config as string | undefined,
        onProgress: progress.update,
      });
      return { r, db: ws.dbPath };
    } finally {
      progress.done();
    }
  });
  io.out(values.json ? JSON.stringify(report.r) + '\n' : describeIngest(report.r, report.db));
  // A file none of whose rows could be read is almost always a layout or format problem: say so.
  const unreadable = report.r.files.filter((f) => f.rows_loaded === 0);
  for (const f of unreadable) io.err(`shopcast: warning: no row of ${f.path} could be loaded (${f.rows_rejected} rejected, see ${report.r.rejects_csv})\n`);
  return unreadable.length > 0 ? 3 : 0;
}

/** `shopcast inspect` */
export async function inspectCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { top: { type: 'string', default: '10' } });
  if (values.help) return help(io);
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new InputError(`--top must be a whole number, got '${String(values.top)}'`);
  const { inspectWorkspace } = await import('../pipeline/inspect.js');
  const s = await withWorkspace(values, (ws) => inspectWorkspace(ws, top));
  io.out(values.json ? JSON.stringify(s) + '\n' : describeSummary(s));
  return 0;
}

/** `shopcast series --sku X [--freq day|week]`: the clean demand series as CSV (or JSON). */
export async function seriesCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { sku: { type: 'string' }, freq: { type: 'string', default: 'day' } });
  if (values.help) return help(io);
  if (values.sku === undefined) throw new InputError('series: --sku is required');
  const freq = values.freq as string;
  if (freq !== 'day' && freq !== 'week') throw new InputError(`series: --freq must be day or week, got '${freq}'`);
  const { demandSeries } = await import('../pipeline/inspect.js');
  const points = await withWorkspace(values, (ws) => demandSeries(ws, values.sku as string, freq));
  if (values.json) {
    io.out(JSON.stringify({ sku: values.sku, freq, points }) + '\n');
    return 0;
  }
  const cols = [freq === 'day' ? 'date' : 'week_start', 'units', 'revenue', 'open_days', 'filled', 'missing_days', 'stockout_days', 'outlier_capped'];
  const body = points.map((p) =>
    [p.period, p.units, p.revenue === null ? null : Math.round(p.revenue * 100) / 100, p.open_days, p.filled, p.missing_days, p.stockout_days, p.outlier_capped]
      .map(csvField)
      .join(','),
  );
  io.out([cols.join(','), ...body].join('\n') + '\n');
  return 0;
}

function help(io: Io): number {
  io.out(USAGE);
  return 0;
}

/** Options shared by the commands that read series (forecast, backtest). */
const SERIES_OPTIONS: OptionSpec = {
  series: { type: 'string' },
  freq: { type: 'string' },
  horizon: { type: 'string' },
  'season-length': { type: 'string' },
  'as-of': { type: 'string' },
  threads: { type: 'string' },
};

/** --freq: required with --series; the workspace's daily demand defaults to day. */
function seriesFreq(values: Parsed['values'], command: string): Freq {
  const freq = (values['freq'] as string | undefined) ?? (values['series'] === undefined ? 'day' : undefined);
  if (freq === undefined || !FREQS.includes(freq as Freq)) throw new InputError(`${command}: --freq must be one of ${FREQS.join(', ')}`);
  return freq as Freq;
}

/** A whole-number option ≥ 1, or undefined when absent. */
function wholeNumber(values: Parsed['values'], name: string, command: string): number | undefined {
  const v = values[name] as string | undefined;
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${command}: --${name} must be a whole number ≥ 1, got '${v}'`);
  return n;
}

/** `shopcast forecast`: forecasts.csv for the workspace's SKUs, or for plain series with --series. */
export async function forecastCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { ...SERIES_OPTIONS, model: { type: 'string', default: 'ets' }, out: { type: 'string', default: 'forecasts.csv' } });
  if (values.help) return help(io);
  const freq = seriesFreq(values, 'forecast');
  const int = (name: string): number | undefined => wholeNumber(values, name, 'forecast');
  const progress = makeProgress(io.stderr ?? ({ isTTY: false } as NodeJS.WriteStream));
  const options = {
    freq,
    model: values.model as string,
    horizon: int('horizon'),
    seasonLength: int('season-length'),
    asOf: values['as-of'] as string | undefined,
    threads: int('threads') ?? availableParallelism(),
    out: values.out as string,
    onProgress: (d: number, t: number) => progress.update(`forecasting ${d}/${t} series`, d / t),
  };
  let summary;
  try {
    if (values.series !== undefined) {
      const { forecastSeriesFile } = await import('../pipeline/forecast-series.js');
      summary = await forecastSeriesFile(values.series as string, options);
    } else {
      const { forecastWorkspace } = await import('../pipeline/forecast-workspace.js');
      summary = await withWorkspace(values, (ws) => forecastWorkspace(ws, options));
    }
  } finally {
    progress.done();
  }
  if (values.json) io.out(JSON.stringify(summary) + '\n');
  else if (options.out !== '-') {
    const ranked = Object.entries(summary.models_used).sort((a, b) => b[1] - a[1]);
    const used = ranked.slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ') + (ranked.length > 6 ? `, ${ranked.length - 6} more` : '');
    io.out(`Forecast ${summary.series} series, ${summary.horizon} ${options.freq}s ahead (season length ${summary.season_length}) → ${summary.out}\n`);
    io.out(`  models: ${used}\n`);
    const g = summary.global;
    if (g !== undefined) {
      io.out(`  global model: ${g.train_rows} training rows, ${g.valid_rows} validation rows, trained in ${g.training_seconds.toFixed(1)} s (stored in the workspace; see shopcast explain)\n`);
      if (g.ensemble_weight_mean !== undefined)
        io.out(`  ensemble weights of the global model, chosen on the last ${summary.horizon} days: mean ${g.ensemble_weight_mean}, quantiles ${g.ensemble_weight_quantiles} (the rest: auto)\n`);
    }
    if (summary.fallbacks.length > 0) io.out(`  ${summary.fallbacks.length} series fell back to a simpler model (--json lists them with the reason)\n`);
  }
  return 0;
}

/** `shopcast backtest`: per-model accuracy over rolling origins, for the workspace or --series. */
export async function backtestCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { ...SERIES_OPTIONS, models: { type: 'string', default: 'naive,snaive,theta,ets,auto' }, origins: { type: 'string', default: '3' } });
  if (values.help) return help(io);
  const freq = seriesFreq(values, 'backtest');
  const int = (name: string, dflt: number): number => wholeNumber(values, name, 'backtest') ?? dflt;
  const { FREQ_DEFAULTS } = await import('../numerics/calendar.js');
  const { checkModelName } = await import('../pipeline/forecast-series.js');
  const models = (values.models as string).split(',').map((m) => m.trim()).filter((m) => m !== '');
  for (const m of models) checkModelName('backtest', m);
  let input;
  if (values.series !== undefined) {
    const { readLongSeries } = await import('../data/long-series.js');
    input = await readLongSeries(values.series as string, freq, values['as-of'] as string | undefined);
  } else {
    const { workspaceSeries } = await import('../pipeline/forecast-workspace.js');
    input = await withWorkspace(values, (ws) => workspaceSeries(ws, freq, values['as-of'] as string | undefined));
  }
  const { backtest } = await import('../engine/backtest.js');
  const { makeBatch } = await import('../engine/series-batch.js');
  const { DEFAULT_LEVELS } = await import('../models/contract.js');
  const progress = makeProgress(io.stderr ?? ({ isTTY: false } as NodeJS.WriteStream));
  let rows;
  try {
    rows = await backtest(
      makeBatch(input.ids, input.values),
      {
        models,
        h: int('horizon', FREQ_DEFAULTS[freq].horizon),
        origins: int('origins', 3),
        seasonLength: int('season-length', FREQ_DEFAULTS[freq].seasonLength),
        levels: DEFAULT_LEVELS,
        threads: int('threads', availableParallelism()),
        onProgress: progress.update,
      },
      () => performance.now(),
    );
  } finally {
    progress.done();
  }
  if (values.json) io.out(JSON.stringify(rows) + '\n');
  else
    io.out(
      table(
        ['model', 'forecasts', 'MASE', 'RMSSE', 'sMAPE', 'WAPE', 'bias', 'scaled pinball', 'coverage p05–p95', 'seconds'],
        rows.map((r) => [r.model, r.forecasts, r4(r.mase), r4(r.rmsse), r4(r.smape), r4(r.wape), r4(r.bias), r4(r.scaled_pinball), r4(r.coverage), r4(r.seconds)]),
      ) + '\n',
    );
  return 0;
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** `shopcast explain`: the drivers of the global model's forecast for one SKU and day, in words and numbers. */
export async function explainCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { sku: { type: 'string' }, date: { type: 'string' }, top: { type: 'string', default: '8' } });
  if (values.help) return help(io);
  if (values.sku === undefined) throw new InputError('explain: --sku is required');
  const top = wholeNumber(values, 'top', 'explain') ?? 8;
  const { explainSku } = await import('../pipeline/explain.js');
  const e = await withWorkspace(values, (ws) => explainSku(ws, values.sku as string, values.date as string | undefined));
  if (values.json) {
    io.out(JSON.stringify(e) + '\n');
    return 0;
  }
  const weekday = new Date(`${e.date}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  let out = `SKU ${e.sku} on ${e.date} (${weekday}): the global model (trained as of ${e.as_of}) forecasts ${r2(e.forecast)} units.\n`;
  out += `Starting from its average day of ${r2(e.baseline)} units, the main drivers multiply it by:\n`;
  out += table(
    ['feature', 'value', 'factor', 'meaning'],
    e.drivers.slice(0, top).map((d) => [d.feature, d.value === null ? 'unknown' : d.value, `×${r2(d.factor)}`, d.meaning]),
  );
  const rest = e.drivers.slice(top).reduce((acc, d) => acc + d.effect, 0);
  out += `\n(the other ${e.drivers.length - top} features together: ×${r2(Math.exp(rest))})\n`;
  out += `Across all forecasts the model relies most on: ${e.importance
    .slice(0, 5)
    .map((i) => `${i.feature} ${Math.round(i.share * 100)} %`)
    .join(', ')}.\n`;
  io.out(out);
  return 0;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

/** `shopcast lifecycle`: where each SKU stands in its life cycle, why, and what changed since the last run. */
export async function lifecycleCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { sku: { type: 'string' }, 'as-of': { type: 'string' }, top: { type: 'string', default: '20' } });
  if (values.help) return help(io);
  const top = wholeNumber(values, 'top', 'lifecycle') ?? 20;
  const { lifecycleWorkspace } = await import('../pipeline/lifecycle.js');
  const r = await withWorkspace(values, (ws) =>
    lifecycleWorkspace(ws, { ...(values.sku !== undefined ? { sku: values.sku as string } : {}), ...(values['as-of'] !== undefined ? { asOf: values['as-of'] as string } : {}) }),
  );
  if (values.sku !== undefined && r.skus.length === 0) throw new InputError(`lifecycle: no demand for SKU '${values.sku}' in the workspace`);
  if (values.json) {
    io.out(JSON.stringify(values.sku !== undefined ? { ...r, sku: r.skus[0] } : r) + '\n');
    return 0;
  }
  let out = `Life cycle as of ${r.as_of} (${r.skus.length} SKUs${r.run_id !== null ? `, run ${r.run_id} stored in the workspace` : ''}):\n`;
  out += table(['stage', 'SKUs'], Object.entries(r.counts).map(([k, v]) => [k, v]));
  if (r.blend !== null)
    out += `\nYoung products: forecast = ${r.blend.weight} × launch curve + ${r2(1 - r.blend.weight)} × statistical engine (backtest on ${r.blend.products} products, WAPE curve ${r2(r.blend.wape_curve)}, engine ${r2(r.blend.wape_engine)}, blend ${r2(r.blend.wape_blend)})\n`;
  if (r.previous_run !== null) out += `\n${r.alerts.length} stage changes since run ${r.previous_run.run_id} (as of ${r.previous_run.as_of})${r.alerts.length > 0 ? ':' : ''}\n`;
  if (r.alerts.length > 0) out += table(['sku', 'from', 'to', 'confidence'], r.alerts.slice(0, top).map((a) => [a.sku, a.from, a.to, r2(a.confidence)]));
  const describe = (s: (typeof r.skus)[number]): string[] => {
    const c = s.evidence.curve;
    const t = s.evidence.trend;
    return [
      s.sku,
      (s.description ?? '').slice(0, 32),
      s.stage,
      r2(s.confidence).toString(),
      `${t.relativeSlope >= 0 ? '+' : ''}${Math.round(t.relativeSlope * 100)} %/wk (p ${r2(t.p)})`,
      `${Math.round(s.evidence.level.ratio * 100)} % of peak`,
      c === undefined ? '–' : `${c.family}, R² ${r2(c.r2)}, peak wk ${Math.round(c.peakWeek)}`,
    ];
  };
  const header = ['sku', 'description', 'stage', 'conf.', 'trend (13 wk)', 'level', 'curve'];
  if (values.sku !== undefined) {
    const s = r.skus[0]!;
    out += `\n` + table(header, [describe(s)]);
    out += `\nweekly stages since ${s.first_week} (I introduction, G growth, M maturity, D decline, Z dormant, E ended):\n${s.history}\n`;
    if (s.forecast !== undefined) out += `\nnext weeks (curve / engine / blend): ${s.forecast.map((f) => `${f.week_start} ${r2(f.curve)}/${r2(f.engine)}/${r2(f.blend)}`).join(', ')}\n`;
  } else {
    out += `\nThe ${Math.min(top, r.skus.length)} SKUs selling most in the last 4 weeks:\n`;
    const recent = (s: (typeof r.skus)[number]): number => s.evidence.level.recent;
    out += table(header, [...r.skus].sort((a, b) => recent(b) - recent(a)).slice(0, top).map(describe));
  }
  io.out(out);
  return 0;
}

function numberOption(values: Parsed['values'], name: string, command: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new InputError(`${command}: --${name} must be a number, got '${String(v)}'`);
  return n;
}

/** `shopcast plan [files…]`: ingest what is given, then forecasts, life cycle, purchase orders and the report. */
export async function planCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      horizon: { type: 'string' }, 'service-level': { type: 'string' }, budget: { type: 'string' }, out: { type: 'string', default: 'plan' },
      model: { type: 'string' }, 'as-of': { type: 'string' }, 'report-skus': { type: 'string' }, map: { type: 'string' }, config: { type: 'string' },
      threads: { type: 'string' },
    },
    true,
  );
  if (values.help) return help(io);
  const horizon = wholeNumber(values, 'horizon', 'plan');
  const serviceLevel = numberOption(values, 'service-level', 'plan');
  const budget = numberOption(values, 'budget', 'plan');
  const reportSkus = wholeNumber(values, 'report-skus', 'plan');
  const threads = wholeNumber(values, 'threads', 'plan');
  const progress = makeProgress(io.stderr ?? ({ isTTY: false } as NodeJS.WriteStream));
  const { ingestFiles } = await import('../pipeline/ingest.js');
  const { planWorkspace } = await import('../pipeline/plan.js');
  const t0 = performance.now();
  const r = await withWorkspace(values, async (ws) => {
    let ingested: IngestReport | undefined;
    const ti = performance.now();
    if (positionals.length > 0)
      ingested = await ingestFiles(ws, positionals, {
        ...(values.map !== undefined ? { mapPath: values.map as string } : {}),
        ...(values.config !== undefined ? { configPath: values.config as string } : {}),
        onProgress: progress.update,
      });
    const ingestSeconds = Math.round((performance.now() - ti) / 100) / 10;
    const plan = await planWorkspace(ws, {
      out: values.out as string,
      ...(horizon !== undefined ? { horizon } : {}),
      ...(serviceLevel !== undefined ? { serviceLevel } : {}),
      ...(budget !== undefined ? { budget } : {}),
      ...(values.model !== undefined ? { model: values.model as string } : {}),
      ...(values['as-of'] !== undefined ? { asOf: values['as-of'] as string } : {}),
      ...(reportSkus !== undefined ? { reportSkus } : {}),
      ...(threads !== undefined ? { threads } : {}),
      now: new Date(),
      onProgress: progress.update,
    });
    return { ingested, plan: { ...plan, seconds: { ingest: ingestSeconds, ...plan.seconds } } };
  });
  progress.done();
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (values.json) {
    io.out(JSON.stringify({ ...r.plan, ingest: r.ingested === undefined ? null : { rows_read: r.ingested.rows_read, rows_loaded: r.ingested.rows_loaded, rows_rejected: r.ingested.rows_rejected, rows_new: r.ingested.rows_new }, total_seconds: seconds }, null, 2) + '\n');
    return unreadablePlanInputs(r.ingested, io);
  }
  const p = r.plan;
  const lines = [];
  if (r.ingested !== undefined) lines.push(`Ingested ${fmtInt(r.ingested.rows_loaded)} rows (${fmtInt(r.ingested.rows_rejected)} rejected, kept with line and reason).`);
  lines.push(
    `Plan as of ${p.as_of}: ${fmtInt(p.skus)} SKUs forecast ${p.horizon_days} days ahead (${p.model}); ${fmtInt(p.skus_to_order)} to order, ` +
      `${fmtInt(p.order_units)} units worth ${fmtNum(p.order_value)}${p.budget === null ? '' : ` (budget ${fmtNum(p.budget)})`}; ${fmtInt(p.skus_at_risk)} at risk of running out.`,
    'Assumptions:',
    ...p.assumptions.map((a) => `  - ${a}`),
    `Forecasts: ${p.out.forecasts}`,
    `Orders:    ${p.out.orders}`,
    `Report:    ${p.out.report}   (open it in a browser)`,
    `Done in ${seconds} s.`,
  );
  io.out(lines.join('\n') + '\n');
  return unreadablePlanInputs(r.ingested, io);
}

/** As `shopcast ingest`: a file none of whose rows could be loaded is warned about, and the exit code is 3. */
function unreadablePlanInputs(ingested: IngestReport | undefined, io: Io): number {
  const unreadable = ingested?.files.filter((f) => f.rows_loaded === 0) ?? [];
  for (const f of unreadable) io.err(`shopcast: warning: no row of ${f.path} could be loaded (${f.rows_rejected} rejected, see ${ingested!.rejects_csv})\n`);
  return unreadable.length > 0 ? 3 : 0;
}

/** `shopcast launch`: forecast and plan for a product without history, or --track the launched ones. */
export async function launchCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    name: { type: 'string' },
    description: { type: 'string' },
    category: { type: 'string' },
    price: { type: 'string' },
    date: { type: 'string' },
    sku: { type: 'string' },
    weeks: { type: 'string' },
    'service-level': { type: 'string' },
    'cover-weeks': { type: 'string' },
    candidates: { type: 'string' },
    track: { type: 'boolean', default: false },
  });
  if (values.help) return help(io);
  const { planLaunch, trackLaunches } = await import('../pipeline/launch.js');
  if (values.track) {
    const t = await withWorkspace(values, (ws) => trackLaunches(ws));
    if (values.json) {
      io.out(JSON.stringify({ launches: t }) + '\n');
      return 0;
    }
    if (t.length === 0) {
      io.out('No launches stored yet (shopcast launch … --sku SKU stores one).\n');
      return 0;
    }
    io.out(
      table(
        ['sku', 'name', 'launched', 'weeks seen', 'actual / forecast', 'outside 90 %', 'status'],
        t.map((x) => [x.sku, x.name.slice(0, 30), x.launch_date, x.weeks_observed, x.ratio === null ? '–' : r2(x.ratio), x.outside_90, x.status]),
      ),
    );
    return 0;
  }
  if (values.name === undefined) throw new InputError('launch: --name is required (or --track)');
  if (values.price === undefined) throw new InputError('launch: --price is required');
  const req = {
    name: values.name as string,
    price: numberOption(values, 'price', 'launch')!,
    ...(values.description !== undefined ? { description: values.description as string } : {}),
    ...(values.category !== undefined ? { category: values.category as string } : {}),
    ...(values.date !== undefined ? { date: values.date as string } : {}),
    ...(values.sku !== undefined ? { sku: values.sku as string } : {}),
    ...(values.weeks !== undefined ? { weeks: wholeNumber(values, 'weeks', 'launch')! } : {}),
    ...(values['service-level'] !== undefined ? { serviceLevel: numberOption(values, 'service-level', 'launch')! } : {}),
    ...(values['cover-weeks'] !== undefined ? { coverWeeks: wholeNumber(values, 'cover-weeks', 'launch')! } : {}),
    ...(values.candidates !== undefined ? { candidates: wholeNumber(values, 'candidates', 'launch')! } : {}),
  };
  const plan = await withWorkspace(values, (ws) => planLaunch(ws, req));
  if (values.json) {
    io.out(JSON.stringify(plan) + '\n');
    return 0;
  }
  let out = `Launch of "${plan.name}" at ${plan.price} on ${plan.launch_date} (data up to ${plan.data_until}; model learned from ${plan.model.launches_learned_from} earlier launches and ${plan.model.established_products_learned_from} established products)\n\n`;
  out += table(
    ['week from', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95'],
    plan.forecast.map((w) => [w.week_start, r2(w.mean), r2(w.p05), r2(w.p25), r2(w.p50), r2(w.p75), r2(w.p95)]),
  );
  out += `\nInitial stock for ${Math.round(plan.initial_stock.service_level * 100)} % service over the first ${plan.initial_stock.cover_weeks} weeks: ${plan.initial_stock.units} units\n`;
  out += `Best launch week: ${plan.best_launch_week.week_start} (${r2(plan.best_launch_week.expected_units)} units over ${plan.forecast.length} weeks; ${plan.best_launch_week.reason})\n`;
  out += `Price elasticity: ${r2(plan.price_elasticity.value)} ± ${r2(plan.price_elasticity.se)} (${plan.price_elasticity.source})\n\nSimilar products selling now:\n`;
  out += table(['sku', 'description', 'similarity', 'units/week', 'price'], plan.selling_now.slice(0, 5).map((s) => [s.sku, s.description.slice(0, 34), r2(s.similarity), r2(s.weekly_units), r2(s.first_price)]));
  out += `\nSimilar earlier launches (their first weeks, units):\n`;
  out += table(['sku', 'description', 'launched', 'price', 'first weeks'], plan.analogs.slice(0, 5).map((a) => [a.sku, a.description.slice(0, 34), a.first_sale, r2(a.first_price), a.curve.slice(0, 6).map((v) => (Number.isFinite(v) ? Math.round(v) : '–')).join(' ')]));
  io.out(out);
  return 0;
}

const COMMANDS: Record<string, (args: string[], io?: Io) => Promise<number>> = {
  backtest: backtestCommand,
  explain: explainCommand,
  forecast: forecastCommand,
  ingest: ingestCommand,
  inspect: inspectCommand,
  launch: launchCommand,
  lifecycle: lifecycleCommand,
  plan: planCommand,
  series: seriesCommand,
};

/** Runs the CLI with `argv` (without node and script); returns the exit code. One top-level catch. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help(io);
  if (command === '--version') {
    io.out('shopcast 0.1.0\n');
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    io.err(`shopcast: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`shopcast: ${e.message}\n`);
      if (debug) io.err(`${e.stack}\n`);
      return 2;
    }
    io.err(`shopcast: internal error: ${(e as Error).message}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    else io.err('(run again with --debug for details)\n');
    return 1;
  }
}
