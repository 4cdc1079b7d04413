import { availableParallelism } from 'node:os';
import { InputError } from '../../data/errors.js';
import { r4, table } from '../format.js';
import { defaultIo, type Io, progressFor } from '../io.js';
import { parse, SERIES_OPTIONS, seriesFreq, wholeNumber } from '../options.js';
import { backtestInput } from '../backtest-input.js';
import { help } from '../usage.js';

/** `shopcast compare --models a,b`: two models over the same rolling-origin backtest, and a Diebold–Mariano test. */
export async function compareCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    ...SERIES_OPTIONS,
    models: { type: 'string' },
    origins: { type: 'string', default: '3' },
  });
  if (values.help) return help(io, 'compare');
  const models = ((values.models as string | undefined) ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (models.length !== 2)
    throw new InputError(`compare: --models must name two models, e.g. --models ets,theta`, { field: 'models' });
  const freq = seriesFreq(values, 'compare');
  const int = (name: string, dflt: number): number => wholeNumber(values, name, 'compare') ?? dflt;
  const { FREQ_DEFAULTS } = await import('../../numerics/calendar.js');
  const { input, h, demand } = await backtestInput(values, io, 'compare', freq);
  const { DEMAND_AUTO } = await import('../../engine/auto-choice.js');
  const { compareModels } = await import('../../pipeline/compare.js');
  const progress = progressFor(io);
  let result;
  try {
    result = await compareModels(input, {
      models,
      h,
      origins: int('origins', 3),
      seasonLength: int('season-length', FREQ_DEFAULTS[freq].seasonLength),
      threads: int('threads', availableParallelism()),
      onProgress: progress.update,
      ...(demand ? { auto: DEMAND_AUTO } : {}),
    });
  } finally {
    progress.done();
  }
  if (values.json) {
    io.out(JSON.stringify(result) + '\n');
    return 0;
  }
  io.out(
    table(
      ['model', 'forecasts', 'MASE', 'sMAPE', 'WAPE', 'bias', 'coverage p05–p95'],
      result.models.map((r) => [r.model, r.forecasts, r4(r.mase), r4(r.smape), r4(r.wape), r4(r.bias), r4(r.coverage)]),
    ) + '\n',
  );
  const dm = result.dm;
  io.out(
    dm === null
      ? 'Diebold–Mariano: no test (too few periods, or both models made the same errors)\n'
      : `Diebold–Mariano (loss: ${dm.loss}; h = ${dm.horizon}, ${dm.n} periods): DM = ${r4(dm.statistic)}, ` +
          `p = ${r4(dm.p_value)}: ` +
          (dm.better === null
            ? 'no significant difference at the 5 % level\n'
            : `${dm.better} is more accurate (5 % level)\n`),
  );
  return 0;
}
