import type { ForecastSummary } from '../../pipeline/forecast-series.js';
import type { CurrentWeek } from '../../pipeline/forecast-workspace.js';
import { availableParallelism } from 'node:os';
import { InputError } from '../../data/errors.js';
import { fmtInt } from '../format.js';
import { defaultIo, type Io, progressFor } from '../io.js';
import { parse, SERIES_OPTIONS, seriesFreq, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

/** `shopcast forecast`: forecasts.csv for the workspace's SKUs, or for plain series with --series. */
export async function forecastCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    ...SERIES_OPTIONS,
    model: { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'forecasts.csv' },
    levels: { type: 'string' },
  });
  if (values.help) return help(io, 'forecast');
  // both would go to standard output, one inside the other
  if (values.out === '-' && values.json)
    throw new InputError(
      'forecast: --out - writes the forecasts to standard output, where --json would print the summary too: ' +
        'give --out a file for both, or leave out --json',
    );
  const freq = seriesFreq(values, 'forecast');
  const int = (name: string): number | undefined => wholeNumber(values, name, 'forecast');
  const levelsText = values.levels as string | undefined;
  if (levelsText !== undefined && values.series === undefined)
    throw new InputError(
      'forecast: --levels is for plain series (--series); the workspace keeps the five standard quantiles, ' +
        'which the plan and the service read',
    );
  const progress = progressFor(io);
  const options = {
    freq,
    model: values.model as string,
    horizon: int('horizon'),
    seasonLength: int('season-length'),
    asOf: values['as-of'] as string | undefined,
    threads: int('threads') ?? availableParallelism(),
    out: values.out as string,
    levels: levelsText?.split(',').map((v) => (v.trim() === '' ? NaN : Number(v))),
    onProgress: (d: number, t: number) => progress.update(`forecasting ${d}/${t} series`, d / t),
  };
  let summary: ForecastSummary & { current_week?: CurrentWeek };
  try {
    if (values.series !== undefined) {
      const { forecastSeriesFile } = await import('../../pipeline/forecast-series.js');
      summary = await forecastSeriesFile(values.series as string, options);
    } else {
      const { forecastWorkspace } = await import('../../pipeline/forecast-workspace.js');
      summary = await withWorkspace(values, (ws) => forecastWorkspace(ws, options));
    }
  } finally {
    progress.done();
  }
  const filled = summary.periods_filled ?? 0;
  const filledNote =
    filled === 0
      ? ''
      : `${fmtInt(filled)} period${filled === 1 ? '' : 's'} with no row in ${values.series as string} ` +
        `${filled === 1 ? 'was' : 'were'} taken as 0 (no sales; an empty units cell marks an unknown value)`;
  // the forecasts themselves on standard output: the note goes to standard error
  if (options.out === '-' && filledNote !== '') io.err(`shopcast: note: ${filledNote}\n`);
  if (values.json) io.out(JSON.stringify(summary) + '\n');
  else if (options.out !== '-') {
    const ranked = Object.entries(summary.models_used).sort((a, b) => b[1] - a[1]);
    const used =
      ranked
        .slice(0, 6)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') + (ranked.length > 6 ? `, ${ranked.length - 6} more` : '');
    io.out(
      `Forecast ${summary.series} series, ${summary.horizon} ${options.freq}s ahead (season ` +
        `length ${summary.season_length}) → ${summary.out}\n`,
    );
    io.out(`  models: ${used}\n`);
    const cw = summary.current_week;
    if (cw !== undefined)
      io.out(
        `  the first week, ${cw.week_start}, is the current one: ${cw.days_observed} of 7 days observed, ` +
          `${cw.units_sold.toLocaleString('en')} units already sold (counted in its forecast)` +
          (cw.new_skus > 0 ? `; ${cw.new_skus} SKUs first sold this week` : '') +
          '\n',
      );
    if (filledNote !== '') io.out(`  ${filledNote}\n`);
    const g = summary.global;
    if (g !== undefined) {
      io.out(
        `  global model: ${g.train_rows} training rows, ${g.valid_rows} validation rows, trained ` +
          `in ${g.training_seconds.toFixed(1)} s` +
          (values.series === undefined ? ' (stored in the workspace; see shopcast explain)\n' : '\n'),
      );
      if (g.ensemble_weight_mean !== undefined)
        io.out(
          `  ensemble weights of the global model, chosen on the last ${summary.horizon} days: ` +
            `mean ${g.ensemble_weight_mean}, quantiles ${g.ensemble_weight_quantiles} (the rest: auto)\n`,
        );
    }
    // gaps filled for a model that takes no missing values are not a fallback: said apart
    const fellBack = summary.fallbacks.filter((f) => f.used !== f.model).length;
    const imputed = summary.fallbacks.filter((f) => f.imputed > 0);
    if (fellBack > 0) io.out(`  ${fellBack} series fell back to a simpler model (--json lists them with the reason)\n`);
    if (imputed.length > 0)
      io.out(
        `  ${imputed.length} series had ${imputed.reduce((a, f) => a + f.imputed, 0)} missing values carried ` +
          `forward for the model (--json lists them)\n`,
      );
  }
  return 0;
}
