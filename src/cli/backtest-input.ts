/** What `backtest` and `compare` backtest: the series of --series or of the workspace, and the horizon checked. */
import type { Freq } from '../numerics/calendar.js';
import type { Io } from './io.js';
import { type Parsed, wholeNumber } from './options.js';
import { withWorkspace } from './workspace.js';

/**
 * The series to backtest (--series, periods without a row taken as 0 with a note; else the workspace's demand at
 * `freq`, up to --as-of) and the horizon (--horizon, default the frequency's), checked against the longest series;
 * `demand` when they are the workspace's (`auto` then backtests as the workspace's forecasts run it: DEMAND_AUTO).
 * @example const { input, h } = await backtestInput(values, io, 'compare', 'week');
 */
export async function backtestInput(
  values: Parsed['values'],
  io: Io,
  command: string,
  freq: Freq,
): Promise<{ input: { ids: string[]; values: Float64Array[] }; h: number; demand: boolean }> {
  const asOf = values['as-of'] as string | undefined;
  let input;
  if (values.series !== undefined) {
    const { readLongSeries } = await import('../data/long-series.js');
    input = await readLongSeries(values.series as string, freq, asOf);
    if (input.filled > 0)
      io.err(
        `shopcast: note: ${input.filled} periods with no row in ${values.series as string} were taken as 0 ` +
          `(no sales; an empty units cell marks an unknown value)\n`,
      );
  } else {
    const { workspaceSeries } = await import('../pipeline/forecast-workspace.js');
    input = await withWorkspace(values, (ws) => workspaceSeries(ws, freq, asOf));
  }
  const { FREQ_DEFAULTS } = await import('../numerics/calendar.js');
  const h = wholeNumber(values, 'horizon', command) ?? FREQ_DEFAULTS[freq].horizon;
  const { checkHorizon } = await import('../pipeline/horizon-limit.js');
  checkHorizon(
    command,
    h,
    input.values.reduce((n, v) => Math.max(n, v.length), 0),
    freq,
  );
  return { input, h, demand: values.series === undefined };
}
