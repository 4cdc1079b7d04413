import { availableParallelism } from 'node:os';
import { r4, table } from '../format.js';
import { defaultIo, type Io, progressFor } from '../io.js';
import { parse, SERIES_OPTIONS, seriesFreq, wholeNumber } from '../options.js';
import { backtestInput } from '../backtest-input.js';
import { help } from '../usage.js';

/** `shopcast backtest`: per-model accuracy over rolling origins, for the workspace or --series. */
export async function backtestCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    ...SERIES_OPTIONS,
    models: { type: 'string', default: 'naive,snaive,theta,ets,auto' },
    origins: { type: 'string', default: '3' },
  });
  if (values.help) return help(io, 'backtest');
  const freq = seriesFreq(values, 'backtest');
  const int = (name: string, dflt: number): number => wholeNumber(values, name, 'backtest') ?? dflt;
  const { FREQ_DEFAULTS } = await import('../../numerics/calendar.js');
  const { checkModelName } = await import('../../pipeline/forecast-series.js');
  const models = (values.models as string)
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  for (const m of models) checkModelName('backtest', m);
  const { input, h, demand } = await backtestInput(values, io, 'backtest', freq);
  const { DEMAND_AUTO } = await import('../../engine/auto-choice.js');
  const { backtest } = await import('../../engine/backtest.js');
  const { makeBatch } = await import('../../engine/series-batch.js');
  const { DEFAULT_LEVELS } = await import('../../models/contract.js');
  const progress = progressFor(io);
  let rows;
  try {
    rows = await backtest(
      makeBatch(input.ids, input.values),
      {
        models,
        h,
        origins: int('origins', 3),
        seasonLength: int('season-length', FREQ_DEFAULTS[freq].seasonLength),
        levels: DEFAULT_LEVELS,
        threads: int('threads', availableParallelism()),
        onProgress: progress.update,
        ...(demand ? { auto: DEMAND_AUTO } : {}),
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
        [
          'model',
          'forecasts',
          'MASE',
          'RMSSE',
          'sMAPE',
          'WAPE',
          'bias',
          'scaled pinball',
          'coverage p05–p95',
          'seconds',
        ],
        rows.map((r) => [
          r.model,
          r.forecasts,
          r4(r.mase),
          r4(r.rmsse),
          r4(r.smape),
          r4(r.wape),
          r4(r.bias),
          r4(r.scaled_pinball),
          r4(r.coverage),
          r4(r.seconds),
        ]),
      ) + '\n',
    );
  return 0;
}
