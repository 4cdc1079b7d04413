import { InputError } from '../../data/errors.js';
import { csvField } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

/** `shopcast series --sku X [--freq day|week]`: the clean demand series as CSV (or JSON). */
export async function seriesCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { sku: { type: 'string' }, freq: { type: 'string', default: 'day' } });
  if (values.help) return help(io, 'series');
  if (values.sku === undefined) throw new InputError('series: --sku is required');
  const freq = values.freq as string;
  if (freq !== 'day' && freq !== 'week') throw new InputError(`series: --freq must be day or week, got '${freq}'`);
  const { demandSeries } = await import('../../pipeline/inspect.js');
  const points = await withWorkspace(values, (ws) => demandSeries(ws, values.sku as string, freq));
  if (values.json) {
    io.out(JSON.stringify({ sku: values.sku, freq, points }) + '\n');
    return 0;
  }
  const cols = [
    freq === 'day' ? 'date' : 'week_start',
    'units',
    'revenue',
    'open_days',
    'filled',
    'missing_days',
    'stockout_days',
    'outlier_capped',
  ];
  const body = points.map((p) =>
    [
      p.period,
      p.units,
      p.revenue === null ? null : Math.round(p.revenue * 100) / 100,
      p.open_days,
      p.filled,
      p.missing_days,
      p.stockout_days,
      p.outlier_capped,
    ]
      .map(csvField)
      .join(','),
  );
  io.out([cols.join(','), ...body].join('\n') + '\n');
  return 0;
}
