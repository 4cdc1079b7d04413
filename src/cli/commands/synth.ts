import { InputError } from '../../data/errors.js';
import { defaultIo, type Io } from '../io.js';
import { parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';

/** `shopcast synth`: a synthetic shop of N SKUs (order lines, catalog, stock) that `plan DIR/*` takes as it is. */
export async function synthCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    skus: { type: 'string' },
    years: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    template: { type: 'string' },
  });
  if (values.help) return help(io, 'synth');
  const skus = wholeNumber(values, 'skus', 'synth');
  if (skus === undefined) throw new InputError('synth: --skus N is required (the number of SKUs to make)');
  if (values.out === undefined) throw new InputError('synth: --out DIR is required (the folder to write into)');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed))
    throw new InputError(`synth: --seed must be a whole number, got '${String(values.seed)}'`);
  const { writeSynthShop } = await import('../../pipeline/synth.js');
  const r = await writeSynthShop({
    skus,
    years: wholeNumber(values, 'years', 'synth') ?? 2,
    seed,
    out: values.out as string,
    ...(values.template !== undefined ? { template: values.template as string } : {}),
  });
  if (values.json) io.out(JSON.stringify(r) + '\n');
  else
    io.out(
      `${r.skus.toLocaleString('en')} SKUs, ${r.order_lines.toLocaleString('en')} order lines from ${r.first_day} ` +
        `to ${r.last_day} (seed ${r.seed}) in ${r.seconds} s:\n  ${r.files.order_lines}\n  ${r.files.catalog}\n` +
        `  ${r.files.stock}\nPlan it with: shopcast plan ${values.out as string}/* --workspace WS --out PLAN\n`,
    );
  return 0;
}
