import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { readCsv } from './csv-reader.js';
import { InputError } from './errors.js';
import { type ColumnMapping, type ResolvedLayout, resolveLayout } from './layouts.js';
import { csvQuote } from './csv-format.js';
import { makeRowNormaliser, type RowNormaliser, stagedColumns } from './normalise-row.js';

/** What staging one file produced: two clean CSV files DuckDB loads with fixed types. */
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
  bytes: number;
}

export interface StageOptions {
  mapping?: ColumnMapping | undefined;
  /** When set, the record's line number is read from this column (a Parquet row number). */
  lineColumn?: string | undefined;
  /** The name to use for the file in messages (e.g. the original Parquet file). */
  displayName?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Buffered writer of text lines to a file. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  /** length of the longest line written, in UTF-16 units */
  longest = 0;
  write(line: string): void {
    if (line.length > this.longest) this.longest = line.length;
    this.parts.push(line);
    this.size += line.length;
    if (this.size > 1 << 22) this.flush();
  }
  flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join('\n') + '\n');
    this.parts = [];
    this.size = 0;
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
 * (`line, reason, raw`). Every data line lands in exactly one of them.
 */
export async function stageCsvFile(path: string, outPrefix: string, options: StageOptions = {}): Promise<StagedFile> {
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
  try {
    const res = await readCsv(
      path,
      {
        header(cols, delimiter) {
          layout = resolveLayout(name, cols, options.mapping);
          // Semicolon files are the European exports, whose numbers use a decimal comma.
          if (layout.decimal === undefined && delimiter === ';') layout = { ...layout, decimal: ',' };
          columns = stagedColumns(layout);
          normalise = makeRowNormaliser(layout);
          if (options.lineColumn !== undefined) lineIdx = cols.indexOf(options.lineColumn);
          good.write(['line', ...columns].join(','));
        },
        record(rec) {
          const line = lineIdx >= 0 ? Number(rec.fields[lineIdx]) + 1 : rec.line;
          const n = normalise!(rec.fields);
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
      { delimiter: options.mapping?.delimiter },
      options.onProgress === undefined
        ? undefined
        : (n) => {
            bytesRead += n;
            options.onProgress!(bytesRead, totalBytes);
          },
    );
    if (res.empty || layout === undefined) throw new EmptyFileError(`${name}: file is empty`);
    if (rowsLoaded + rowsRejected === 0) throw new EmptyFileError(`${name}: file has a header but no data rows`);
    const dayFirst = normalise?.dayFirstSeen();
    if (dayFirst !== undefined)
      throw new InputError(
        `${name}: dates are written day first ('${dayFirst}'), but were read month first; ` +
          `give a column mapping (mapPath, i.e. --map FILE) with "date_order": "dmy" (or "mdy" to keep month first)`,
      );
    return {
      layout,
      columns,
      goodPath,
      rejectPath,
      rowsRead: rowsLoaded + rowsRejected,
      maxLineBytes: 3 * Math.max(good.longest, rejects.longest) + 2,
      rowsLoaded,
      rowsRejected,
      blankLines: res.blankLines,
      bytes: totalBytes,
    };
  } finally {
    good.close();
    rejects.close();
  }
}
