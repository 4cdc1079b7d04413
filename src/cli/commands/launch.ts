import { parseDateOption } from '../../data/date-option.js';
import { InputError } from '../../data/errors.js';
import type { LaunchAudience } from '../../pipeline/launch-audience.js';
import { r2, table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { numberOption, parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

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
    audience: { type: 'string' },
    track: { type: 'boolean', default: false },
  });
  if (values.help) return help(io, 'launch');
  const { planLaunch, trackLaunches } = await import('../../pipeline/launch.js');
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
        t.map((x) => [
          x.sku,
          x.name.slice(0, 30),
          x.launch_date,
          x.weeks_observed,
          x.ratio === null ? '–' : r2(x.ratio),
          x.outside_90,
          x.status,
        ]),
      ) + '\n',
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
    ...(values.date !== undefined ? { date: parseDateOption(values.date as string, 'date') } : {}),
    ...(values.sku !== undefined ? { sku: values.sku as string } : {}),
    ...(values.weeks !== undefined ? { weeks: wholeNumber(values, 'weeks', 'launch')! } : {}),
    ...(values['service-level'] !== undefined
      ? { serviceLevel: numberOption(values, 'service-level', 'launch')! }
      : {}),
    ...(values['cover-weeks'] !== undefined ? { coverWeeks: wholeNumber(values, 'cover-weeks', 'launch')! } : {}),
    ...(values.candidates !== undefined ? { candidates: wholeNumber(values, 'candidates', 'launch')! } : {}),
  };
  const audienceTop = wholeNumber(values, 'audience', 'launch');
  const { plan, audience } = await withWorkspace(values, async (ws) => {
    const p = await planLaunch(ws, req);
    if (audienceTop === undefined) return { plan: p, audience: undefined };
    const { launchAudience } = await import('../../pipeline/launch-audience.js');
    return { plan: p, audience: await launchAudience(ws, p, audienceTop) };
  });
  if (values.json) {
    io.out(JSON.stringify(audience === undefined ? plan : { ...plan, audience }) + '\n');
    return 0;
  }
  let out =
    `Launch of "${plan.name}" at ${plan.price} on ${plan.launch_date} (data up ` +
    `to ${plan.data_until}; model learned from ${plan.model.launches_learned_from} earlier launches ` +
    `and ${plan.model.established_products_learned_from} established products)\n\n`;
  out += table(
    ['week from', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95'],
    plan.forecast.map((w) => [w.week_start, r2(w.mean), r2(w.p05), r2(w.p25), r2(w.p50), r2(w.p75), r2(w.p95)]),
  );
  out +=
    `\nInitial stock for ${Math.round(plan.initial_stock.service_level * 100)} % service over the ` +
    `first ${plan.initial_stock.cover_weeks} weeks: ${plan.initial_stock.units} units ` +
    `(expected demand ${Math.round(plan.initial_stock.cover_mean)} units)\n`;
  out +=
    `Best launch week: ${plan.best_launch_week.week_start} (${r2(plan.best_launch_week.expected_units)} ` +
    `units over ${plan.forecast.length} weeks; ${plan.best_launch_week.reason})\n`;
  out +=
    `Price elasticity: ${r2(plan.price_elasticity.value)} ± ${r2(plan.price_elasticity.se)} ` +
    `(${plan.price_elasticity.source})\n\nSimilar products selling now:\n`;
  out += table(
    ['sku', 'description', 'similarity', 'units/week', 'price'],
    plan.selling_now
      .slice(0, 5)
      .map((s) => [s.sku, s.description.slice(0, 34), r2(s.similarity), r2(s.weekly_units), r2(s.first_price)]),
  );
  out += `\nSimilar earlier launches (their first weeks, units):\n`;
  out += table(
    ['sku', 'description', 'launched', 'price', 'first weeks'],
    plan.analogs.slice(0, 5).map((a) => [
      a.sku,
      a.description.slice(0, 34),
      a.first_sale,
      r2(a.first_price),
      a.curve
        .slice(0, 6)
        .map((v) => (Number.isFinite(v) ? Math.round(v) : '–'))
        .join(' '),
    ]),
  );
  if (audience !== undefined) out += describeAudience(audience);
  io.out(out + '\n');
  return 0;
}

/** The audience table: who to tell first, and what they may buy beside the forecast. */
function describeAudience(a: LaunchAudience): string {
  let out =
    `\nAudience: ${a.customers.length} of the ${a.buyers} customers who bought one of the ${a.similar_products} ` +
    `similar products, by the purchases expected from them in ${a.weeks} weeks × affinity (their share of purchase ` +
    `days with a similar product × its similarity):\n`;
  out += table(
    [
      'customer',
      'score',
      'P(alive)',
      `days bought (last ${a.weeks} wk)`,
      'affinity',
      'similar buys',
      'last (days ago)',
      `units in ${a.weeks} wk`,
    ],
    a.customers.map((c) => [
      c.customer_id,
      r2(c.score),
      r2(c.p_alive),
      c.recent_purchase_days,
      r2(c.affinity),
      c.similar_purchase_days,
      c.days_since_last,
      c.expected_units === null ? '–' : r2(c.expected_units),
    ]),
  );
  out +=
    a.prior_buyer_share === null
      ? `\nNo similar earlier launch in the data: no split of the forecast among these customers\n`
      : `\nSimilar earlier launches sold ${Math.round(a.prior_buyer_share * 100)} % of their first-weeks units to ` +
        `earlier buyers of similar products: of the forecast's ${r2(a.forecast_units)} units, ` +
        `${r2(a.buyers_units ?? 0)} from those buyers, ${r2(a.audience_units ?? 0)} from the customers listed\n`;
  return out;
}
