import { InputError } from '../../data/errors.js';
import type { CustomerModel, CustomersResult } from '../../pipeline/customers.js';
import { r2, table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

/** The text report: the fitted models, the segments and the top customers by value. */
function describe(r: CustomersResult, top: number, out: string | undefined): string {
  const f = r.fits;
  const fmt = (p: object): string =>
    Object.entries(p)
      .map(([k, v]) => `${k} ${Number(v).toPrecision(4)}`)
      .join(', ');
  const lines = [
    `Customers as of ${r.as_of}: ${r.customers} with purchases` +
      (r.lines_without_customer > 0 ? ` (${r.lines_without_customer} sale lines have no customer id)` : ''),
    `  purchases: ${r.model === 'bg-nbd' ? 'BG/NBD' : 'Pareto/NBD'}` +
      (f.bg_nbd !== null && f.pareto_nbd !== null ? ' (the higher log-likelihood of the two)' : ''),
  ];
  if (f.bg_nbd !== null) lines.push(`    BG/NBD      ${fmt(f.bg_nbd.params)}; log-likelihood ${r2(f.bg_nbd.log_lik)}`);
  if (f.pareto_nbd !== null)
    lines.push(`    Pareto/NBD  ${fmt(f.pareto_nbd.params)}; log-likelihood ${r2(f.pareto_nbd.log_lik)}`);
  lines.push(
    f.gamma_gamma === null
      ? '  spend: no customer with a repeat purchase: no value per purchase'
      : `  spend: Gamma-Gamma ${fmt(f.gamma_gamma.params)} (${f.gamma_gamma.customers} repeat customers)`,
    `  expected purchases in the next ${r.days} days: ${r2(r.expected_purchases_total)}`,
    '',
    'Segments (RFM):',
    table(
      ['segment', 'customers'],
      Object.entries(r.segments).map(([k, v]) => [k, v]),
    ),
    '',
    `Top ${Math.min(top, r.rows.length)} customers by value over the next ${r.days} days:`,
    table(
      [
        'customer',
        'purchases',
        'last (days ago)',
        'P(alive)',
        `purchases next ${r.days} d`,
        'value/purchase',
        'CLV',
        'segment',
      ],
      r.rows
        .slice(0, top)
        .map((c) => [
          c.customer_id,
          c.frequency + 1,
          c.days_since_last,
          r2(c.p_alive),
          r2(c.expected_purchases),
          c.expected_value === null ? '–' : r2(c.expected_value),
          c.clv === null ? '–' : r2(c.clv),
          c.segment,
        ]),
    ),
  );
  if (r.run_id !== null) lines.push(`stored as customer run ${r.run_id}`);
  if (out !== undefined) lines.push(`one row per customer: ${out}`);
  return lines.join('\n') + '\n';
}

/** `shopcast customers`: who will buy again, how much, and what each customer is worth over the next days. */
export async function customersCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    'as-of': { type: 'string' },
    days: { type: 'string', default: '90' },
    model: { type: 'string', default: 'auto' },
    top: { type: 'string', default: '20' },
    out: { type: 'string' },
  });
  if (values.help) return help(io, 'customers');
  const days = wholeNumber(values, 'days', 'customers') ?? 90;
  const top = wholeNumber(values, 'top', 'customers') ?? 20;
  const model = values.model as string;
  const { customersWorkspace, writeCustomersCsv, CUSTOMER_MODELS } = await import('../../pipeline/customers.js');
  if (!(CUSTOMER_MODELS as readonly string[]).includes(model))
    throw new InputError(`customers: --model must be one of ${CUSTOMER_MODELS.join(', ')}, got '${model}'`);
  const out = values.out as string | undefined;
  const r = await withWorkspace(values, (ws) =>
    customersWorkspace(ws, {
      days,
      model: model as CustomerModel,
      ...(values['as-of'] !== undefined ? { asOf: values['as-of'] as string } : {}),
    }),
  );
  if (out !== undefined) writeCustomersCsv(out, r.rows);
  if (values.json) {
    io.out(JSON.stringify({ ...r, rows: r.rows.slice(0, top) }) + '\n');
    return 0;
  }
  io.out(describe(r, top, out));
  return 0;
}
