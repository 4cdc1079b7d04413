import type { CsvEncoding } from '../../data/csv-reader.js';
import type { DateOrder } from '../../data/date-order.js';
import { parseDateOption } from '../../data/date-option.js';
import type { IngestReport } from '../../pipeline/ingest.js';
import type { PlanOptions } from '../../pipeline/plan.js';
import { fmtInt, fmtNum, labelled } from '../format.js';
import { defaultIo, type Io, progressFor } from '../io.js';
import { numberOption, parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { DEFAULT_MEMORY_LIMIT } from '../../store/defaults.js';
import { withCreatedWorkspace, withWorkspace } from '../workspace.js';

/** `shopcast plan [files…]`: ingest what is given, then forecasts, life cycle, purchase orders and the report. */
export async function planCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      horizon: { type: 'string' },
      'service-level': { type: 'string' },
      budget: { type: 'string' },
      currency: { type: 'string' },
      out: { type: 'string', default: 'plan' },
      model: { type: 'string' },
      'as-of': { type: 'string' },
      'report-skus': { type: 'string' },
      map: { type: 'string' },
      config: { type: 'string' },
      'date-order': { type: 'string' },
      encoding: { type: 'string' },
      'stock-date': { type: 'string' },
      threads: { type: 'string' },
      'full-lots': { type: 'boolean' },
      parquet: { type: 'boolean' },
      redis: { type: 'string' },
    },
    true,
  );
  if (values.help) return help(io, 'plan');
  const horizon = wholeNumber(values, 'horizon', 'plan');
  const serviceLevel = numberOption(values, 'service-level', 'plan');
  const budget = numberOption(values, 'budget', 'plan');
  const reportSkus = wholeNumber(values, 'report-skus', 'plan');
  const threads = wholeNumber(values, 'threads', 'plan');
  // what can be refused without the workspace is refused before the files are ingested
  const asOf = values['as-of'] === undefined ? undefined : parseDateOption(values['as-of'] as string, 'asOf');
  const { ingestFiles } = await import('../../pipeline/ingest.js');
  const { checkPlanOptions, currencySymbol, planWorkspace } = await import('../../pipeline/plan.js');
  const progress = progressFor(io);
  const options: PlanOptions = {
    out: values.out as string,
    ...(horizon !== undefined ? { horizon } : {}),
    ...(serviceLevel !== undefined ? { serviceLevel } : {}),
    ...(budget !== undefined ? { budget } : {}),
    ...(values.currency !== undefined ? { currency: values.currency as string } : {}),
    ...(values.model !== undefined ? { model: values.model as string } : {}),
    ...(asOf !== undefined ? { asOf } : {}),
    ...(reportSkus !== undefined ? { reportSkus } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(values['full-lots'] === true ? { fullLots: true } : {}),
    ...(values.parquet === true ? { parquet: true } : {}),
    now: new Date(),
    onProgress: progress.update,
  };
  checkPlanOptions(options); // options and the output folder, before a workspace is opened or a file ingested
  // --redis: the per-SKU work runs as shards on the BullMQ workers of that Redis server (src/worker/)
  const shards = values.redis === undefined ? undefined : await redisShards(values.redis as string);
  if (shards !== undefined) options.shards = shards.runner;
  const t0 = performance.now();
  const r = await (positionals.length > 0 ? withCreatedWorkspace : withWorkspace)(values, async (ws) => {
    let ingested: IngestReport | undefined;
    const ti = performance.now();
    if (positionals.length > 0)
      ingested = await ingestFiles(ws, positionals, {
        ...(values.map !== undefined ? { mapPath: values.map as string } : {}),
        ...(values.config !== undefined ? { configPath: values.config as string } : {}),
        ...(values['date-order'] !== undefined ? { dateOrder: values['date-order'] as DateOrder } : {}),
        ...(values.encoding !== undefined ? { encoding: values.encoding as CsvEncoding } : {}),
        ...(values['stock-date'] !== undefined ? { stockDate: values['stock-date'] as string } : {}),
        now: new Date(),
        onProgress: progress.update,
      });
    const ingestSeconds = Math.round((performance.now() - ti) / 100) / 10;
    // the plan's steps hold their arrays here and read and write DuckDB a little at a time: the buffer an ingest's
    // clean filled (a large --memory-limit) goes back to the system, and they run with DuckDB's default buffer at most
    // (bench/RESULTS.md, issue #22: a 100,000-SKU plan peaked with 2GB of buffer the clean had filled)
    const restore = await ws.limitMemory(DEFAULT_MEMORY_LIMIT);
    const plan = await planWorkspace(ws, options).finally(restore);
    return { ingested, plan: { ...plan, seconds: { ingest: ingestSeconds, ...plan.seconds } } };
  }).finally(() => shards?.close());
  progress.done();
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ...r.plan,
          ingest:
            r.ingested === undefined
              ? null
              : {
                  rows_read: r.ingested.rows_read,
                  rows_loaded: r.ingested.rows_loaded,
                  rows_rejected: r.ingested.rows_rejected,
                  rows_new: r.ingested.rows_new,
                  seconds: r.ingested.seconds,
                },
          total_seconds: seconds,
          ...(shards === undefined ? {} : { shards: shards.runner.stats }),
        },
        null,
        2,
      ) + '\n',
    );
    return unreadablePlanInputs(r.ingested, io);
  }
  const p = r.plan;
  const lines = [];
  if (r.ingested !== undefined)
    lines.push(
      `Ingested ${fmtInt(r.ingested.rows_loaded)} rows (${fmtInt(r.ingested.rows_rejected)} rejected, kept ` +
        `with line and reason).`,
    );
  // amounts in the plan's currency, as the report shows them (checked with the options: a bad code never gets here)
  const money = currencySymbol(options.currency);
  const budgetNote = p.budget === null ? '' : ` (budget ${money}${fmtNum(p.budget)})`;
  lines.push(
    `Plan as of ${p.as_of}: ${fmtInt(p.skus)} SKUs forecast ${p.horizon_days} days ahead (${p.model}); ` +
      `${fmtInt(p.skus_to_order)} to order, ` +
      `${fmtInt(p.order_units)} units worth ${money}${fmtNum(p.order_value)}${budgetNote}; ` +
      `${fmtInt(p.skus_at_risk)} at risk of running out.`,
    'Assumptions:',
    ...p.assumptions.map((a) => `  - ${a}`),
    ...labelled([
      ['Forecasts:', p.out.forecasts],
      ['Orders:', p.out.orders],
      ['Purchase orders:', `${p.out.purchase_orders} (${fmtInt(p.purchase_orders)} per supplier and location)`],
      ['Transfers:', `${p.out.transfers} (${fmtInt(p.transfers)} between locations)`],
      ['Report:', `${p.out.report}   (open it in a browser)`],
    ]),
    `Done in ${seconds} s.`,
  );
  io.out(lines.join('\n') + '\n');
  return unreadablePlanInputs(r.ingested, io);
}

/** As `shopcast ingest`: a file none of whose rows could be loaded is warned about, and the exit code is 3. */
function unreadablePlanInputs(ingested: IngestReport | undefined, io: Io): number {
  const unreadable = ingested?.files.filter((f) => f.rows_loaded === 0) ?? [];
  for (const f of unreadable)
    io.err(
      `shopcast: warning: no row of ${f.path} could be loaded (${f.rows_rejected} rejected, ` +
        `see ${ingested!.rejects_csv})\n`,
    );
  return unreadable.length > 0 ? 3 : 0;
}

/**
 * The BullMQ shard runner of `plan --redis URL`; Ctrl-C or SIGTERM cancels the run (waiting shards are removed).
 * `close()` disconnects and restores the signal handlers.
 */
async function redisShards(
  url: string,
): Promise<{ runner: import('../../worker/redis-shards.js').RedisShardRunner; close: () => Promise<void> }> {
  const { RedisShardRunner } = await import('../../worker/redis-shards.js');
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const runner = new RedisShardRunner({ url, signal: abort.signal });
  return {
    runner,
    close: async () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await runner.close();
    },
  };
}
