import { InputError } from '../../data/errors.js';
import type { WorkspaceSummary } from '../../pipeline/inspect.js';
import { cleaningTable, fmtInt, fmtNum, table } from '../format.js';
import { defaultIo, type Io } from '../io.js';
import { parse } from '../options.js';
import { help } from '../usage.js';
import { withWorkspace } from '../workspace.js';

function describeSummary(s: WorkspaceSummary): string {
  const lines = [
    `Workspace ${s.workspace}: ${s.files} file${s.files === 1 ? '' : 's'} ingested`,
    `  order lines ${fmtInt(s.order_lines)}, daily-sales rows ${fmtInt(s.daily_sales_rows)}, rejected ` +
      `rows ${fmtInt(s.rows_rejected)}`,
    `  SKUs with demand ${fmtInt(s.skus)} (plus ${s.non_product_skus} non-product codes), ` +
      `dates ${s.first_date ?? '-'} → ${s.last_date ?? '-'}, ${s.closed_days} closed days`,
    `  demand ${fmtInt(s.demand_units)} units, revenue ${fmtNum(s.revenue)}`,
    '',
    'Top sellers:',
    table(
      ['sku', 'description', 'units', 'revenue', 'first sale', 'last sale'],
      s.top_sellers.map((t) => [t.sku, t.description, t.units, t.revenue, t.first_sale, t.last_sale]),
    ),
    '',
    'Cleaning report (workspace totals; series rules in SKU-days):',
    cleaningTable(s.cleaning_detail),
  ];
  return lines.join('\n') + '\n';
}

/** `shopcast inspect` */
export async function inspectCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, { top: { type: 'string', default: '10' } });
  if (values.help) return help(io, 'inspect');
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0)
    throw new InputError(`--top must be a whole number, got '${String(values.top)}'`);
  const { inspectWorkspace } = await import('../../pipeline/inspect.js');
  const s = await withWorkspace(values, (ws) => inspectWorkspace(ws, top));
  io.out(values.json ? JSON.stringify(s) + '\n' : describeSummary(s));
  return 0;
}
