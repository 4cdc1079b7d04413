import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type CsvEncoding, type CsvReaderOptions, csvLineReader, forEachChunk, isGzipFile } from './csv-reader.js';
import { type DateOrder, type DateOrderEvidence, decideDateOrder } from './date-order.js';
import { type DateLimit, bulkLimit, todayLimit } from './date-range.js';
import { InputError } from './errors.js';
import { type ColumnMapping, type ResolvedLayout, resolveLayout } from './layouts.js';
import { csvQuote } from './csv-format.js';
import { LineWriter } from './line-writer.js';
import { makeRowNormaliser, stagedColumns } from './normalise-row.js';
import { type BlockInit, type BlockPlan, BlockFallback, BlockStager, mergeEvidence } from './stage-blocks.js';
import {
  type StagingChecker,
  type StagingCounts,
  type StagingSettings,
  stagingChecker,
  stagingRows,
} from './staging-rows.js';

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
  /** blocks of the file read by worker threads (0: read in one thread; see stage-blocks.ts) */
  blocks: number;
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
  /** How a large file is read in blocks by worker threads (default `defaultBlockPlan()`; workers 0: in this thread). */
  blocks?: BlockPlan | undefined;
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
      const evidence = pass.evidence;
      const decided = decideDateOrder(name, evidence);
      // the first reading took slashes as month first and dots as day first
      const reread = (decided === 'dmy' && evidence.slashes) || (decided === 'mdy' && evidence.dots);
      if (decided !== undefined) dateOrder = decided;
      if (reread) continue;
    }
    if (!rangeChecked) {
      rangeChecked = true;
      const bulk = bulkLimit(pass.dateCounts);
      if (bulk !== undefined) {
        limits = [...limits, bulk];
        continue;
      }
    }
    const e = pass.evidence;
    const used = e.slashes || e.dots ? (dateOrder ?? pass.staged.layout.dateOrder) : undefined;
    return { ...pass.staged, dateOrder: used };
  }
}

/** What one reading of a file found besides its staged file: what its dates say, for the next reading's settings. */
interface StagePass {
  staged: StagedFile;
  evidence: DateOrderEvidence;
  dateCounts: ReadonlyMap<string, number>;
}

/**
 * How files are read in blocks by default: two worker threads (when the machine has two cores), 4 MB blocks, for
 * files of 100 MB or more (uncompressed). The workers' start and the extra copies cost about a second: a 68 MB file
 * read in 2.0 s in one thread and 2.4 s in blocks, a 145 MB one in 4.45 and 3.90 s, a 290 MB one in 6.5 and 4.9 s.
 */
export function defaultBlockPlan(): BlockPlan {
  const cores = availableParallelism();
  return { workers: cores < 2 ? 0 : 2, blockBytes: 1 << 22, minBytes: 100 * (1 << 20) };
}

/**
 * A file's size once gunzipped, from the gzip trailer (the last member's size modulo 2³²; a size below the file's own
 * means it wrapped: large), or its size when it is not gzip-compressed.
 */
async function expectedBytes(path: string, fileBytes: number): Promise<number> {
  if (!(await isGzipFile(path))) return fileBytes;
  const fh = await open(path, 'r');
  try {
    const tail = Buffer.alloc(4);
    await fh.read(tail, 0, 4, Math.max(0, fileBytes - 4));
    const size = tail.readUInt32LE(0);
    return size < fileBytes ? Number.POSITIVE_INFINITY : size;
  } finally {
    await fh.close();
  }
}

/** One reading of the file with the date order and limits given: in blocks when it is large enough, else here. */
async function stageOnce(
  path: string,
  outPrefix: string,
  options: StageOptions,
  dateOrder: DateOrder | undefined,
  dateLimits: readonly DateLimit[],
): Promise<StagePass> {
  const plan = options.blocks ?? defaultBlockPlan();
  if (plan.workers > 0) {
    try {
      return await stageReading(path, outPrefix, options, dateOrder, dateLimits, plan);
    } catch (e) {
      if (!(e instanceof BlockFallback)) throw e;
    }
  }
  return stageReading(path, outPrefix, options, dateOrder, dateLimits, undefined);
}

async function stageReading(
  path: string,
  outPrefix: string,
  options: StageOptions,
  dateOrder: DateOrder | undefined,
  dateLimits: readonly DateLimit[],
  plan: BlockPlan | undefined,
): Promise<StagePass> {
  const name = options.displayName ?? path;
  const totalBytes = statSync(path).size;
  const goodPath = `${outPrefix}.good.csv`;
  const rejectPath = `${outPrefix}.rejects.csv`;
  const good = new LineWriter(goodPath);
  const rejects = new LineWriter(rejectPath);
  rejects.write('line,reason,raw');
  const settings: StagingSettings = {
    name,
    mapping: options.mapping,
    lineColumn: options.lineColumn,
    dateOrder,
    dateLimits,
  };
  let checker: StagingChecker | undefined;
  let headerColumns: string[] | undefined;
  const counts: StagingCounts = { loaded: 0, rejected: 0 };
  // DuckDB's CSV copy of a Parquet file quotes every line break it writes: no quote is lost there.
  const readerOptions: CsvReaderOptions = {
    delimiter: options.mapping?.delimiter,
    encoding: options.encoding,
    ...(options.lineColumn !== undefined ? { checkInnerRows: false, maxRecordLines: Number.MAX_SAFE_INTEGER } : {}),
  };
  const reader = csvLineReader(
    path,
    {
      header(columns, delimiter) {
        headerColumns = columns;
        checker = stagingChecker(settings, columns, delimiter);
        good.write(['line', ...checker.columns].join(','));
      },
      ...stagingRows(() => checker!, good, rejects, counts),
    },
    readerOptions,
  );
  let blocks: BlockStager | undefined;
  // a file expected to be smaller than plan.minBytes (uncompressed) is read here: the workers' start would cost more
  if (plan !== undefined && (await expectedBytes(path, totalBytes)) < plan.minBytes) plan = undefined;
  let bytesRead = 0;
  const onBytes =
    options.onProgress === undefined
      ? undefined
      : (n: number): void => {
          bytesRead += n;
          options.onProgress!(bytesRead, totalBytes);
        };
  /**
   * Reads the header here, then hands the rest to worker threads: at the first line break with no record open, when
   * the layout has no record rewrite (else this thread reads the whole file).
   */
  const readOrHandOver = async (chunk: Buffer): Promise<void> => {
    let rest = chunk;
    for (;;) {
      const nl = plan === undefined ? -1 : rest.indexOf(10);
      if (nl < 0) return reader.push(rest);
      reader.push(rest.subarray(0, nl + 1));
      rest = rest.subarray(nl + 1);
      const columns = headerColumns;
      if (checker === undefined || columns === undefined || checker.layout.transform !== undefined) plan = undefined;
      if (plan === undefined || columns === undefined || reader.openLine !== undefined) continue;
      const init: BlockInit = {
        settings,
        header: columns,
        delimiter: reader.delimiter,
        width: reader.width,
        reader: readerOptions,
      };
      blocks = new BlockStager(init, plan, reader.lines + 1, (r) => {
        good.writeBytes(r.good, r.goodLongest);
        rejects.writeBytes(r.rejects, r.rejectsLongest);
      });
      return blocks.push(rest);
    }
  };
  try {
    await forEachChunk(path, (chunk) => (blocks === undefined ? readOrHandOver(chunk) : blocks.push(chunk)), onBytes);
    if (blocks !== undefined) await blocks.end();
    const own = reader.end(true);
    const res =
      blocks === undefined
        ? own
        : {
            lines: own.lines + blocks.read.lines,
            blankLines: own.blankLines + blocks.read.blankLines,
            continuationLines: own.continuationLines + blocks.read.continuationLines,
            invalidUtf8Lines: own.invalidUtf8Lines + blocks.read.invalidUtf8Lines,
          };
    const rowsLoaded = counts.loaded + (blocks?.counts.loaded ?? 0);
    const rowsRejected = counts.rejected + (blocks?.counts.rejected ?? 0);
    if (res.lines === 0 || checker === undefined) throw new EmptyFileError(`${name}: file is empty`);
    if (rowsLoaded + rowsRejected === 0) throw new EmptyFileError(`${name}: file has a header but no data rows`);
    const accounted = 1 + rowsLoaded + rowsRejected + res.blankLines + res.continuationLines;
    if (accounted !== res.lines)
      throw new Error(
        `stageCsvFile: ${name}: ${res.lines} lines read but ${accounted} accounted for (1 header, ` +
          `${rowsLoaded} loaded, ${rowsRejected} rejected, ${res.blankLines} blank, ` +
          `${res.continuationLines} continuation)`,
      );
    let evidence = checker.normalise.dateOrderEvidence();
    let dateCounts = checker.normalise.salesDateCounts();
    if (blocks !== undefined) {
      evidence = mergeEvidence(evidence, blocks.evidence);
      const all = new Map(blocks.dateCounts);
      for (const [d, n] of dateCounts) all.set(d, (all.get(d) ?? 0) + n);
      dateCounts = all;
    }
    const staged: StagedFile = {
      layout: checker.layout,
      columns: checker.columns,
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
      dateOrder: dateOrder ?? checker.layout.dateOrder,
      bytes: totalBytes,
      blocks: blocks?.count ?? 0,
    };
    return { staged, evidence, dateCounts };
  } finally {
    await blocks?.close();
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
    blocks: 0,
  };
  return { staged, rejects };
}
