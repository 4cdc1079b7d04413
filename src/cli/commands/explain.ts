import { parseDateOption } from '../../data/date-option.js';
import { InputError } from '../../data/errors.js';
import { r2, table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

/** `shopcast explain`: the drivers of the global model's forecast for one SKU and day, in words and numbers. */
export async function explainCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    sku: { type: 'string' },
    date: { type: 'string' },
    top: { type: 'string', default: '8' },
  });
  if (values.help) return help(io, 'explain');
  if (values.sku === undefined) throw new InputError('explain: --sku is required');
  const top = wholeNumber(values, 'top', 'explain') ?? 8;
  const date = values.date === undefined ? undefined : parseDateOption(values.date as string, 'date');
  const { explainSku } = await import('../../pipeline/explain.js');
  const e = await withWorkspace(values, (ws) => explainSku(ws, values.sku as string, date));
  if (values.json) {
    io.out(JSON.stringify(e) + '\n');
    return 0;
  }
  const weekday = new Date(`${e.date}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  let out =
    `SKU ${e.sku} on ${e.date} (${weekday}): the global model (trained as of ${e.as_of}) ` +
    `forecasts ${r2(e.forecast)} units.\n`;
  if (e.closed)
    out +=
      `The shop is closed that day (a closed weekday or holiday): nothing is sold, and the week's demand goes ` +
      `to its open days. The model alone says ${r2(e.model_forecast)} units.\n`;
  else if (Math.abs(e.forecast - e.model_forecast) > 1e-9 * Math.max(1, e.forecast))
    out += `The model says ${r2(e.model_forecast)} units; the rest is this day's share of the week's closed days.\n`;
  out += `Starting from its average day of ${r2(e.baseline)} units, the main drivers multiply it by:\n`;
  out += table(
    ['feature', 'value', 'factor', 'meaning'],
    e.drivers
      .slice(0, top)
      .map((d) => [d.feature, d.value === null ? 'unknown' : d.value, `×${r2(d.factor)}`, d.meaning]),
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
