import type { CsvSink } from './csv-reader.js';
import { csvQuote } from './csv-format.js';
import type { DateOrder } from './date-order.js';
import type { DateLimit } from './date-range.js';
import { type ColumnMapping, type ResolvedLayout, resolveLayout } from './layouts.js';
import { makeRowNormaliser, type RowNormaliser, stagedColumns } from './normalise-row.js';

/**
 * What one reading of a file checks its rows with, as plain data (it travels to the reading's worker threads:
 * stage-blocks.ts).
 */
export interface StagingSettings {
  /** the file's name in messages */
  name: string;
  mapping: ColumnMapping | undefined;
  /** when set, a record's line number is read from this column (a Parquet row number) */
  lineColumn: string | undefined;
  dateOrder: DateOrder | undefined;
  dateLimits: readonly DateLimit[];
}

/** The row checker of a file with a given header: its layout, the staged columns and the checker itself. */
export interface StagingChecker {
  layout: ResolvedLayout;
  columns: string[];
  normalise: RowNormaliser;
  /** the index of `lineColumn` in the header (-1: the physical line is the line number) */
  lineIdx: number;
}

/** Lines staged and rejected so far by a sink of `stagingRows`. */
export interface StagingCounts {
  loaded: number;
  rejected: number;
}

/** Where staged lines go: LineWriter (stage-file.ts) or anything with its `write`. */
export interface LineSink {
  write(line: string): void;
}

/**
 * The row checker of a file whose header is `columns` (read with `delimiter`): the layout they resolve to, with a
 * semicolon file's numbers read with a decimal comma (the European exports), and the export's record rewrite first
 * when the layout has one. A reading of the file makes one (the checker and the rewrite keep state from row to row).
 */
export function stagingChecker(settings: StagingSettings, columns: string[], delimiter: string): StagingChecker {
  let layout = resolveLayout(settings.name, columns, settings.mapping);
  if (layout.decimal === undefined && delimiter === ';') layout = { ...layout, decimal: ',' };
  const check = makeRowNormaliser(layout, {
    dateOrder: settings.dateOrder ?? layout.dateOrder,
    dateLimits: settings.dateLimits,
  });
  const transform = layout.transform?.();
  const normalise =
    transform === undefined
      ? check
      : Object.assign((fields: readonly string[], line: number) => check(transform(fields), line), {
          dateOrderEvidence: check.dateOrderEvidence,
          salesDateCounts: check.salesDateCounts,
        });
  const lineIdx = settings.lineColumn === undefined ? -1 : columns.indexOf(settings.lineColumn);
  return { layout, columns: stagedColumns(layout), normalise, lineIdx };
}

/**
 * The record and reject handlers of a CSV reading that stages a file: a good row as `line,` + its canonical values
 * to `good`, a rejected one as `line,reason,raw` to `rejects`, both counted in `counts`. `checker` is called at
 * the first record (it is known once the header is read).
 */
export function stagingRows(
  checker: () => StagingChecker,
  good: LineSink,
  rejects: LineSink,
  counts: StagingCounts,
): Pick<CsvSink, 'record' | 'reject'> {
  const reject = (line: number, reason: string, raw: string): void => {
    rejects.write(`${line},${csvQuote(reason)},${csvQuote(raw)}`);
    counts.rejected++;
  };
  return {
    record(rec) {
      const c = checker();
      const line = c.lineIdx >= 0 ? Number(rec.fields[c.lineIdx]) + 1 : rec.line;
      const n = c.normalise(rec.fields, line);
      if ('reason' in n) reject(line, n.reason, rec.raw);
      else {
        good.write(`${line},${n.csv}`);
        counts.loaded++;
      }
    },
    reject(rej) {
      reject(rej.line, rej.reason, rej.raw);
    },
  };
}
