import type { CsvEncoding } from '../../data/csv-reader.js';
import type { DateOrder } from '../../data/date-order.js';
import type { IngestReport } from '../../pipeline/ingest.js';
import { cleaningTable, fmtInt, table } from '../format.js';
import { defaultIo, type Io, progressFor } from '../io.js';
import { parse } from '../options.js';
import { help } from '../usage.js';
import { withCreatedWorkspace } from '../workspace.js';

function describeIngest(r: IngestReport, dbPath: string): string {
  const lines = [`Ingested ${r.files.length} file${r.files.length === 1 ? '' : 's'} into ${dbPath}`];
  lines.push(
    table(
      ['file', 'layout', 'read', 'loaded', 'new', 'rejected'],
      r.files.map((f) => [f.path, f.layout, f.rows_read, f.rows_loaded, f.rows_new, f.rows_rejected]),
    ),
  );
  // every line is accounted for: said when some were not rows (blank, or inside a multi-line record)
  if (r.blank_lines + r.continuation_lines > 0)
    lines.push(
      `${fmtInt(r.physical_lines)} lines = ${r.files.length} header${r.files.length === 1 ? '' : 's'} + ` +
        `${fmtInt(r.rows_loaded)} loaded + ${fmtInt(r.rows_rejected)} rejected + ${fmtInt(r.blank_lines)} blank + ` +
        `${fmtInt(r.continuation_lines)} continuation lines of multi-line records`,
    );
  lines.push('');
  lines.push(`SKUs with demand: ${fmtInt(r.skus)}   dates: ${r.first_date ?? '-'} → ${r.last_date ?? '-'}`);
  lines.push('');
  lines.push('Cleaning (rows of this ingest; series rules in SKU-days):');
  lines.push(cleaningTable(r.cleaning_detail));
  if (r.stock_date !== null)
    lines.push(
      '',
      `Stock snapshot of ${r.stock_date} (for stock rows without a date: --stock-date, else the last sales day).`,
    );
  if (r.rows_rejected > 0)
    lines.push('', `${fmtInt(r.rows_rejected)} rejected rows with line and reason: ${r.rejects_csv}`);
  return lines.join('\n') + '\n';
}

/** `shopcast ingest <files…>` */
export async function ingestCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      map: { type: 'string' },
      config: { type: 'string' },
      'stock-date': { type: 'string' },
      'date-order': { type: 'string' },
      encoding: { type: 'string' },
    },
    true,
  );
  if (values.help) return help(io, 'ingest');
  const progress = progressFor(io);
  const { ingestFiles } = await import('../../pipeline/ingest.js');
  const report = await withCreatedWorkspace(values, async (ws) => {
    try {
      const r = await ingestFiles(ws, positionals, {
        mapPath: values.map as string | undefined,
        configPath: values.config as string | undefined,
        stockDate: values['stock-date'] as string | undefined,
        dateOrder: values['date-order'] as DateOrder | undefined,
        encoding: values.encoding as CsvEncoding | undefined,
        now: new Date(),
        onProgress: progress.update,
      });
      return { r, db: ws.dbPath };
    } finally {
      progress.done();
    }
  });
  io.out(values.json ? JSON.stringify(report.r) + '\n' : describeIngest(report.r, report.db));
  // A file none of whose rows could be read is almost always a layout or format problem: say so.
  const unreadable = report.r.files.filter((f) => f.rows_loaded === 0);
  for (const f of unreadable)
    io.err(
      `shopcast: warning: no row of ${f.path} could be loaded (${f.rows_rejected} rejected, ` +
        `see ${report.r.rejects_csv})\n`,
    );
  for (const f of report.r.files.filter((f) => f.invalid_utf8_lines > 0 && values.encoding === undefined))
    io.err(
      `shopcast: warning: ${f.invalid_utf8_lines} line(s) of ${f.path} are not valid UTF-8 and were rejected; ` +
        `if it is a Windows export, ingest it again with --encoding windows-1252\n`,
    );
  return unreadable.length > 0 ? 3 : 0;
}
