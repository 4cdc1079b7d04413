import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { type CsvEncoding, readCsv } from './csv-reader.js';
import { type DateOrder, decideDateOrder } from './date-order.js';
import { type DateLimit, bulkLimit, todayLimit } from './date-range.js';
import { InputError } from './errors.js';
import { type ColumnMapping, type ResolvedLayout, resolveLayout } from './layouts.js';
import { csvQuote } from './csv-format.js';
import { makeRowNormaliser, type RowNormaliser, stagedColumns } from './normalise-row.js';

/**
 * What staging one file produced: two clean CSV files DuckDB loads with fixed types. Every physical
 * line is accounted for: `physicalLines = 1 (header) + rowsLoaded + rowsRejected + blankLines +
 * continuationLines` (checked).
 */
export interface StagedFile {
  layout: ResolvedLayout;
  /** canonical columns in `goodPath`, after its leading `line` column */
  columns: string[];
  goodPath: string;
  rejectPath: string;
  rowsRead: number;
  /** an upper bound of the longest staged line in bytes, for DuckDB's max_line_size */
  maxLineBytes: number;
  rowsLoaded: number;
  rowsRejected: number;
  blankLines: number;
  /** lines after the first of records that span several lines (a quoted field with line breaks) */
  continuationLines: number;
  /** lines of the file (of its CSV copy for Parquet), header included */
  physicalLines: number;
  /** rejected lines that are not valid UTF-8 (a hint that the file has another encoding) */
  invalidUtf8Lines: number;
  /** how the file's slash and dot dates were read (undefined: it has none) */
  dateOrder: DateOrder | undefined;
  bytes: number;
}

export interface StageOptions {
  mapping?: ColumnMapping | undefined;
  /** When set, the record's line number is read from this column (a Parquet row number). */
  lineColumn?: string | undefined;
  /** The name to use for the file in messages (e.g. the original Parquet file). */
  displayName?: string;
  /** How slash and dot dates are read, over the mapping's `date_order`; else the file's dates decide. */
  dateOrder?: DateOrder | undefined;
  /** The file's text encoding (default UTF-8). */
  encoding?: CsvEncoding | undefined;
  /** The clock: sales dated after its day (plus a day of time-zone slack) are rejected. */
  now?: Date | undefined;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Buffered writer of text lines to a file: each line encoded straight into one reused buffer (no joined string). */
class LineWriter {
  private buf = Buffer.allocUnsafe(1 << 22);
  private used = 0;
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  /** length of the longest line written, in UTF-16 units */
  longest = 0;
  write(line: string): void {
    if (line.length > this.longest) this.longest = line.length;
    // a UTF-16 unit takes at most 3 bytes in UTF-8
    const most = 3 * line.length + 1;
    if (this.used + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(most);
    }
    this.used += this.buf.write(line, this.used);
    this.buf[this.used++] = 10;
  }
  flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export class EmptyFileError extends InputError {}

/**
 * Reads a shop CSV file (plain or gzip), recognises its layout, checks every row and writes two
 * staging files: good rows (`line` + canonical columns, values normalised) and rejected rows
 * (`line, reason, raw`). Every data line lands in exactly one of them, or is counted as blank or as
 * the continuation of a multi-line record. Decisions that need the whole file are taken after a
 * first reading, which is then done again with them (only for the files that need it): how slash
 * dates are read when neither the caller nor the layout says (data/date-order.ts), and the latest
 * plausible sales date (data/date-range.ts).
 */
export async function stageCsvFile(path: string, outPrefix: string, options: StageOptions = {}): Promise<StagedFile> {
  const name = options.displayName ?? path;
  let dateOrder = options.dateOrder;
  let limits: DateLimit[] = options.now === undefined ? [] : [todayLimit(options.now)];
  let rangeChecked = false;
  for (;;) {
    const pass = await stageOnce(path, outPrefix, options, dateOrder, limits);
    if (dateOrder === undefined && pass.staged.layout.dateOrder === undefined) {
      const evidence = pass.normalise.dateOrderEvidence();
      const decided = decideDateOrder(name, evidence);
      // the first reading took slashes as month first and dots as day first
      const reread = (decided === 'dmy' && evidence.slashes) || (decided === 'mdy' && evidence.dots);
      if (decided !== undefined) dateOrder = decided;
      if (reread) continue;
    }
    if (!rangeChecked) {
      rangeChecked = true;
      const bulk = bulkLimit(pass.normalise.salesDateCounts());
      if (bulk !== undefined) {
        limits = [...limits, bulk];
        continue;
      }
    }
    const e = pass.normalise.dateOrderEvidence();
    const used = e.slashes || e.dots ? (dateOrder ?? pass.staged.layout.dateOrder) : undefined;
    return { ...pass.staged, dateOrder: used };
  }
}

/** One reading of the file with the date order and limits given. */
async function stageOnce(
  path: string,
  outPrefix: string,
  options: StageOptions,
  dateOrder: DateOrder | undefined,
  dateLimits: readonly DateLimit[],
): Promise<{ staged: StagedFile; normalise: RowNormaliser }> {
  const name = options.displayName ?? path;
  const totalBytes = statSync(path).size;
  const goodPath = `${outPrefix}.good.csv`;
  const rejectPath = `${outPrefix}.rejects.csv`;
  const good = new LineWriter(goodPath);
  const rejects = new LineWriter(rejectPath);
  rejects.write('line,reason,raw');
  const reject = (line: number, reason: string, raw: string): void => {
    rejects.write(`${line},${csvQuote(reason)},${csvQuote(raw)}`);
    rowsRejected++;
  };
  let normalise: RowNormaliser | undefined;
  let layout: ResolvedLayout | undefined;
  let columns: string[] = [];
  let lineIdx = -1;
  let rowsLoaded = 0;
  let rowsRejected = 0;
  let bytesRead = 0;
  // DuckDB's CSV copy of a Parquet file quotes every line break it writes: no quote is lost there.
  const trusted = options.lineColumn !== undefined;
  try {
    const res = await readCsv(
      path,
      {
        header(cols, delimiter) {
          layout = resolveLayout(name, cols, options.mapping);
          // Semicolon files are the European exports, whose numbers use a decimal comma.
          if (layout.decimal === undefined && delimiter === ';') layout = { ...layout, decimal: ',' };
          columns = stagedColumns(layout);
          const check = makeRowNormaliser(layout, { dateOrder: dateOrder ?? layout.dateOrder, dateLimits });
          const transform = layout.transform?.();
          normalise =
            transform === undefined
              ? check
              : Object.assign((fields: readonly string[], line: number) => check(transform(fields), line), {
                  dateOrderEvidence: check.dateOrderEvidence,
                  salesDateCounts: check.salesDateCounts,
                });
          if (options.lineColumn !== undefined) lineIdx = cols.indexOf(options.lineColumn);
          good.write(['line', ...columns].join(','));
        },
        record(rec) {
          const line = lineIdx >= 0 ? Number(rec.fields[lineIdx]) + 1 : rec.line;
          const n = normalise!(rec.fields, line);
          if ('reason' in n) reject(line, n.reason, rec.raw);
          else {
            good.write(`${line},${n.csv}`);
            rowsLoaded++;
          }
        },
        reject(rej) {
          reject(rej.line, rej.reason, rej.raw);
        },
      },
      {
        delimiter: options.mapping?.delimiter,
        encoding: options.encoding,
        ...(trusted ? { checkInnerRows: false, maxRecordLines: Number.MAX_SAFE_INTEGER } : {}),
      },
      options.onProgress === undefined
        ? undefined
        : (n) => {
            bytesRead += n;
            options.onProgress!(bytesRead, totalBytes);
          },
    );
    if (res.empty || layout === undefined) throw new EmptyFileError(`${name}: file is empty`);
    if (rowsLoaded + rowsRejected === 0) throw new EmptyFileError(`${name}: file has a header but no data rows`);
    const accounted = 1 + rowsLoaded + rowsRejected + res.blankLines + res.continuationLines;
    if (accounted !== res.lines)
      throw new Error(
        `stageCsvFile: ${name}: ${res.lines} lines read but ${accounted} accounted for (1 header, ` +
          `${rowsLoaded} loaded, ${rowsRejected} rejected, ${res.blankLines} blank, ` +
          `${res.continuationLines} continuation)`,
      );
    const staged: StagedFile = {
      layout,
      columns,
      goodPath,
      rejectPath,
      rowsRead: rowsLoaded + rowsRejected,
      maxLineBytes: 3 * Math.max(good.longest, rejects.longest) + 2,
      rowsLoaded,
      rowsRejected,
      blankLines: res.blankLines,
      continuationLines: res.continuationLines,
      physicalLines: res.lines,
      invalidUtf8Lines: res.invalidUtf8Lines,
      dateOrder: dateOrder ?? layout.dateOrder,
      bytes: totalBytes,
    };
    return { staged, normalise: normalise! };
  } finally {
    good.close();
    rejects.close();
  }
}

/** A row `stageFieldRows` refused: its index in the rows given and the row checker's reason. */
export interface FieldRowReject {
  index: number;
  reason: string;
}

/**
 * Stages rows given as field values instead of read from a file (the lines of an order batch posted as JSON): each
 * row goes through the same row checker as a file's record (`makeRowNormaliser` of the layout `header` resolves to)
 * and into the same two staging files, so the identity it is stored with (row_key, occurrence: store/ingest.ts) is
 * the one the same row gets in a file. Row i is line i + 1. The date limits are the caller's (a batch has no bulk of
 * dates of its own to measure against). O(total length of the values).
 * @example
 * const { staged, rejects } = stageFieldRows([['A1', '3']], ['sku', 'on_hand'], '/ws/tmp/batch-1/rows', 'stock');
 * // staged.layout.name 'stock', staged.rowsLoaded 1, rejects []
 */
export function stageFieldRows(
  rows: readonly (readonly string[])[],
  header: readonly string[],
  outPrefix: string,
  displayName: string,
  dateLimits: readonly DateLimit[] = [],
): { staged: StagedFile; rejects: FieldRowReject[] } {
  const layout = resolveLayout(displayName, header);
  const columns = stagedColumns(layout);
  const normalise = makeRowNormaliser(layout, { dateOrder: layout.dateOrder, dateLimits });
  const goodPath = `${outPrefix}.good.csv`;
  const rejectPath = `${outPrefix}.rejects.csv`;
  const good = new LineWriter(goodPath);
  const rejectsOut = new LineWriter(rejectPath);
  const rejects: FieldRowReject[] = [];
  let bytes = Buffer.byteLength(header.join(',')) + 1;
  try {
    good.write(['line', ...columns].join(','));
    rejectsOut.write('line,reason,raw');
    rows.forEach((fields, index) => {
      if (fields.length !== header.length)
        throw new Error(`stageFieldRows: row ${index} has ${fields.length} values for ${header.length} columns`);
      const raw = fields.map(csvQuote).join(',');
      bytes += Buffer.byteLength(raw) + 1;
      const n = normalise(fields, index + 1);
      if ('reason' in n) {
        rejects.push({ index, reason: n.reason });
        rejectsOut.write(`${index + 1},${csvQuote(n.reason)},${csvQuote(raw)}`);
      } else good.write(`${index + 1},${n.csv}`);
    });
  } finally {
    good.close();
    rejectsOut.close();
  }
  const staged: StagedFile = {
    layout,
    columns,
    goodPath,
    rejectPath,
    rowsRead: rows.length,
    maxLineBytes: 3 * Math.max(good.longest, rejectsOut.longest) + 2,
    rowsLoaded: rows.length - rejects.length,
    rowsRejected: rejects.length,
    blankLines: 0,
    continuationLines: 0,
    physicalLines: 1 + rows.length,
    invalidUtf8Lines: 0,
    dateOrder: undefined,
    bytes,
  };
  return { staged, rejects };
}
