import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { type Readable, Transform } from 'node:stream';
import { InputError } from './errors.js';
import { decodeWindows1252 } from './windows-1252.js';

/** One CSV record: its 1-based physical line number (first line, for multi-line records) and fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** the record's text as read (lines joined by \n for a multi-line record) */
  raw: string;
}

/** A physical line (or run of lines) that could not be read as a record, with the reason. */
export interface CsvReject {
  line: number;
  reason: string;
  raw: string;
}

/** How the bytes of a file are read as text. `latin1` is read as windows-1252, its superset, as browsers do. */
export type CsvEncoding = 'utf-8' | 'windows-1252' | 'latin1';
export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'windows-1252', 'latin1'];

export interface CsvReaderOptions {
  /** Field delimiter; detected from the header line when absent. */
  delimiter?: string | undefined;
  /**
   * How many physical lines one record may span (a quoted field with line breaks) before its first
   * line is rejected and the others are read afresh. Default 10.
   */
  maxRecordLines?: number;
  /**
   * When true (the default), a record left open by a quote ends as soon as one of its later lines
   * reads as a full row of its own: the first line is rejected (a lost closing quote) and that row
   * is read as a row. False for files written by a trusted writer (DuckDB's CSV copy of Parquet).
   */
  checkInnerRows?: boolean;
  /** Longer lines are rejected, while reading (bytes; default 1,000,000). */
  maxLineBytes?: number;
  /** The text encoding of the file; default UTF-8. */
  encoding?: CsvEncoding | undefined;
}

export interface CsvSink {
  header(columns: string[], delimiter: string): void;
  record(rec: CsvRecord): void;
  reject(rej: CsvReject): void;
}

/**
 * What reading a file found. Every physical line is the header, the first line of a record or of a
 * reject, a blank line, or a continuation line of a multi-line record:
 * `lines = 1 + records + rejects + blankLines + continuationLines` (0 for an empty file).
 */
export interface CsvReadResult {
  /** physical lines, the header included (a last line without a line break counts) */
  lines: number;
  blankLines: number;
  /** lines after the first of the records that span several lines */
  continuationLines: number;
  /** lines rejected as invalid UTF-8 (see `encoding`) */
  invalidUtf8Lines: number;
  empty: boolean;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const DELIMITERS = [',', ';', '\t', '|'];

/** True when the file starts with the gzip magic bytes (1f 8b), whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Opens a file as a byte stream, gunzipping it when it is gzip-compressed. `onFileBytes` hears how
 * many bytes of the file itself (compressed or not) were read, for progress against its size.
 */
export async function openByteStream(path: string, onFileBytes?: (bytes: number) => void): Promise<Readable> {
  // .pipe() does not pass errors on: each stage hands its error to the next, so the reader sees it.
  const chain = (from: Readable, to: Transform): Transform => {
    from.on('error', (e) => to.destroy(e));
    return from.pipe(to);
  };
  let stream: Readable = createReadStream(path, { highWaterMark: 1 << 18 });
  if (onFileBytes !== undefined)
    stream = chain(
      stream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          onFileBytes(chunk.length);
          done(null, chunk);
        },
      }),
    );
  return (await isGzipFile(path)) ? chain(stream, createGunzip({ chunkSize: 1 << 18 })) : stream;
}

/** Picks the delimiter that occurs most often outside quotes in the header line. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = splitCsvLine(headerLine, d).fields?.length ?? 0;
    if (n - 1 > bestCount) {
      best = d;
      bestCount = n - 1;
    }
  }
  return best;
}

interface SplitResult {
  fields?: string[];
  /** set when the text ends inside a quoted field */
  unterminated?: boolean;
  /** set when the line is malformed in another way */
  error?: string;
}

/**
 * Splits one CSV record (RFC 4180: fields optionally quoted with ", quotes doubled inside quoted
 * fields, newlines allowed inside quotes). Strict about stray quotes: a quote inside an unquoted
 * field, or text after a closing quote, is an error rather than a guess. O(length).
 */
export function splitCsvLine(text: string, delimiter: string): SplitResult {
  if (text.indexOf('"') < 0) return { fields: text.split(delimiter) };
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { unterminated: true };
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return { fields };
      if (text.startsWith(delimiter, i)) {
        i += delimiter.length;
        if (i === n) {
          fields.push('');
          return { fields };
        }
        continue;
      }
      return { error: `unexpected text after closing quote in field ${fields.length}` };
    }
    const next = text.indexOf(delimiter, i);
    const end = next < 0 ? n : next;
    const value = text.slice(i, end);
    if (value.indexOf('"') >= 0) return { error: `stray quote in field ${fields.length + 1}` };
    fields.push(value);
    if (next < 0) return { fields };
    i = next + delimiter.length;
    if (i === n) {
      fields.push('');
      return { fields };
    }
  }
}

/** The longest line read (bytes), and the most physical lines one record may span, by default. */
export const MAX_LINE_BYTES = 1_000_000;
export const MAX_RECORD_LINES = 10;

const ENCODING_HINT = 'if the file is a Windows export, read it with --encoding windows-1252';

/**
 * Streams a CSV file (plain or gzip) to a sink: the header, every good record with its line
 * number, and every bad line with its line number and reason. Nothing is dropped silently: every
 * physical line after the header is the first line of one record or one reject, a blank line or a
 * continuation line of a multi-line record, and the result counts each kind (see CsvReadResult).
 * Invalid UTF-8, wrong column counts, unterminated and stray quotes are rejected per line, so one
 * bad quote never swallows the rows after it: a quoted field may span lines only while none of
 * them reads as a row of its own, and at most `maxRecordLines` lines. Lines longer than
 * `maxLineBytes` are skipped while reading (never buffered whole) and rejected. O(file size).
 */
export async function readCsv(
  path: string,
  sink: CsvSink,
  options: CsvReaderOptions = {},
  /** bytes of the file read so far (compressed bytes for gzip), for progress */
  onBytes?: (bytes: number) => void,
): Promise<CsvReadResult> {
  const reader = csvLineReader(path, sink, options);
  await forEachChunk(path, (chunk) => reader.push(chunk), onBytes);
  return reader.end(true);
}

/**
 * Calls `onChunk` with each chunk of a file's bytes (gunzipped when it is gzip-compressed), waiting for what it
 * returns; a corrupt gzip stream is an InputError naming the file.
 */
export async function forEachChunk(
  path: string,
  onChunk: (chunk: Buffer) => void | Promise<void>,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  const stream = await openByteStream(path, onBytes);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) await onChunk(chunk);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw new InputError(`${path}: cannot decompress: ${(e as Error).message}`);
    throw e;
  } finally {
    stream.destroy();
  }
}

/** Where a reader of part of a file starts: the line number of its first line and the header's reading. */
export interface CsvReaderStart {
  line: number;
  delimiter: string;
  width: number;
}

/**
 * The line machinery of `readCsv`, fed bytes by the caller: `push` each chunk in order, then `end`. A reader made
 * with `start` reads a part of a file that begins at a line boundary after the header (the header's delimiter and
 * width given): what it reports equals what the reader of the whole file reports for the same lines, provided the
 * whole file's reader holds no open multi-line record at the part's start. A part other than the file's last must
 * end with a line break.
 */
export interface CsvLineReader {
  push(chunk: Buffer): void;
  /**
   * Ends the reading. `atFileEnd` false leaves a record still open at the end unresolved (see `openLine`): its lines
   * are neither reported nor counted.
   */
  end(atFileEnd: boolean): CsvReadResult;
  /**
   * The first line of a quoted multi-line record still open (waiting for its closing quote), if any. The reading
   * holds nothing else over from before that line, so reading on from it afresh gives the same as reading on.
   */
  readonly openLine: number | undefined;
  /** the header's delimiter and width once line 1 is read ('' and -1 before) */
  readonly delimiter: string;
  readonly width: number;
  /** physical lines read so far (the last line number) */
  readonly lines: number;
}

/** Makes the line reader of `readCsv` (see CsvLineReader); `path` names the file in messages. */
export function csvLineReader(
  path: string,
  sink: CsvSink,
  options: CsvReaderOptions = {},
  start?: CsvReaderStart,
): CsvLineReader {
  const maxRecordLines = Math.max(1, options.maxRecordLines ?? MAX_RECORD_LINES);
  const checkInnerRows = options.checkInnerRows ?? true;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const utf8 = (options.encoding ?? 'utf-8') === 'utf-8';
  // windows-1252 is one byte per character: chunks can be decoded on their own.
  const decoder = utf8 ? undefined : decodeWindows1252;
  const decode = (bytes: Buffer): string => (decoder === undefined ? bytes.toString('utf8') : decoder(bytes));
  let lineNo = start === undefined ? 0 : start.line - 1;
  let blankLines = 0;
  let continuationLines = 0;
  let invalidUtf8Lines = 0;
  let delimiter = start?.delimiter ?? options.delimiter ?? '';
  let width = start?.width ?? -1;
  // physical lines waiting for the closing quote of a multi-line record, and the quotes in them
  let pending: { line: number; text: string }[] = [];
  let pendingQuotes = 0;

  const emitLine = (line: number, text: string): void => {
    if (pending.length > 0) {
      // A line that is a whole row cannot be inside a quoted field: the quote before it was lost.
      if (checkInnerRows && isFullRow(text)) {
        rejectFirstPending(`unterminated quote (line ${line} reads as a row of its own)`);
        emitLine(line, text);
        return;
      }
      pending.push({ line, text });
      tryPending();
      return;
    }
    if (text.length === 0) {
      blankLines++;
      return;
    }
    const res = splitCsvLine(text, delimiter);
    if (res.unterminated) {
      pending.push({ line, text });
      pendingQuotes = quoteCount(text);
      return;
    }
    finishRecord(line, text, res);
  };

  const isFullRow = (text: string): boolean => {
    if (text.length === 0) return false;
    const res = splitCsvLine(text, delimiter);
    return res.fields !== undefined && res.fields.length === width;
  };

  const finishRecord = (line: number, text: string, res: SplitResult): void => {
    if (res.error !== undefined) sink.reject({ line, reason: res.error, raw: text });
    else if (res.fields!.length < width)
      sink.reject({ line, reason: `missing columns: expected ${width}, found ${res.fields!.length}`, raw: text });
    else if (res.fields!.length > width)
      sink.reject({ line, reason: `too many columns: expected ${width}, found ${res.fields!.length}`, raw: text });
    else sink.record({ line, fields: res.fields!, raw: text });
  };

  // while the count of quotes in the pending lines is odd, the record is surely still open
  const quoteCount = (t: string): number => {
    let k = 0;
    for (let i = t.indexOf('"'); i >= 0; i = t.indexOf('"', i + 1)) k++;
    return k;
  };
  const tryPending = (): void => {
    const last = pending[pending.length - 1]!;
    pendingQuotes += quoteCount(last.text);
    const capped = `unterminated quote (no closing quote within ${maxRecordLines} lines)`;
    if (pendingQuotes % 2 === 1) {
      if (pending.length >= maxRecordLines) rejectFirstPending(capped);
      return;
    }
    const text = pending.map((p) => p.text).join('\n');
    const res = splitCsvLine(text, delimiter);
    if (!res.unterminated && res.error === undefined && res.fields!.length === width) {
      continuationLines += pending.length - 1;
      sink.record({ line: pending[0]!.line, fields: res.fields!, raw: text });
      pending = [];
      pendingQuotes = 0;
      return;
    }
    if (res.unterminated && pending.length < maxRecordLines) return;
    rejectFirstPending(res.unterminated ? capped : `unterminated quote (closing it on line ${last.line} gives no row)`);
  };

  /** Not a valid multi-line record: the first line alone is bad; the others are read afresh. */
  const rejectFirstPending = (reason: string): void => {
    const [first, ...rest] = pending;
    pending = [];
    pendingQuotes = 0;
    sink.reject({ line: first!.line, reason, raw: first!.text });
    for (const p of rest) emitLine(p.line, p.text);
  };

  /** A line that cannot be read: it ends any record still open before it. */
  const rejectUnreadable = (reason: string, raw: string): void => {
    while (pending.length > 0) rejectFirstPending(`unterminated quote (line ${lineNo} is unreadable)`);
    sink.reject({ line: lineNo, reason, raw });
  };

  /** One physical line as text (without its line break). */
  const onText = (text: string): void => {
    lineNo++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
    // a line decoded from a chunk: its length in bytes is at most 3 per UTF-16 unit
    if (text.length * (utf8 ? 3 : 1) > maxLineBytes && (utf8 ? Buffer.byteLength(text) : text.length) > maxLineBytes)
      return onTooLong(text.slice(0, 1000));
    if (lineNo === 1) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      else if (!utf8 && text.startsWith('\u00ef\u00bb\u00bf'))
        throw new InputError(`${path}: starts with a UTF-8 byte-order mark: it is a UTF-8 file; read it as UTF-8`, {
          field: 'encoding',
        });
      if (delimiter === '') delimiter = detectDelimiter(text);
      const res = splitCsvLine(text, delimiter);
      if (!res.fields)
        throw new InputError(`${path}: line 1 (header) is malformed: ${res.error ?? 'unterminated quote'}`);
      const columns = res.fields.map((c) => c.trim());
      width = columns.length;
      sink.header(columns, delimiter);
      return;
    }
    emitLine(lineNo, text);
  };

  /** The line just counted is longer than the limit; `preview` is its beginning. */
  const onTooLong = (preview: string): void => {
    if (lineNo === 1) throw new InputError(`${path}: line 1 (header) is longer than ${maxLineBytes} bytes`);
    rejectUnreadable(`line longer than ${maxLineBytes} bytes`, preview + '…');
  };

  /** One physical line as bytes, checked for UTF-8 on its own (lines across chunks, chunks with bad bytes). */
  const onLineBytes = (bytes: Buffer): void => {
    if (decoder === undefined && !isUtf8(bytes)) {
      lineNo++;
      if (lineNo === 1)
        throw new InputError(`${path}: line 1 (header) is not valid UTF-8: ${ENCODING_HINT}`, { field: 'encoding' });
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      invalidUtf8Lines++;
      rejectUnreadable(`invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}: ${ENCODING_HINT}`, bytes.toString('utf8'));
      return;
    }
    onText(decode(bytes));
  };

  /** Lines separated by \n, the last one ended too: decoded in one go when they are valid (the usual case). */
  const onWholeLines = (region: Buffer): void => {
    if (decoder !== undefined || isUtf8(region)) {
      for (const line of decode(region).split('\n')) onText(line);
      return;
    }
    for (let s = 0; ;) {
      const nl = region.indexOf(NEWLINE, s);
      if (nl < 0) return onLineBytes(region.subarray(s));
      onLineBytes(region.subarray(s, nl));
      s = nl + 1;
    }
  };

  // The line still open at the end of the last chunk: its parts, or only its first bytes once it
  // is known to be too long (the rest is skipped, so a long line costs its length once).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let longPreview: Buffer | undefined;
  const addCarry = (part: Buffer): void => {
    if (longPreview !== undefined) return;
    if (carryBytes + part.length > maxLineBytes) {
      longPreview = Buffer.concat([...carry, part], Math.min(1000, carryBytes + part.length));
      carry = [];
      carryBytes = 0;
      return;
    }
    carry.push(Buffer.from(part));
    carryBytes += part.length;
  };
  /** The open line ends with `tail`. */
  const endCarry = (tail: Buffer): void => {
    if (longPreview === undefined && carryBytes + tail.length > maxLineBytes) addCarry(tail);
    if (longPreview !== undefined) {
      const preview = decode(longPreview);
      longPreview = undefined;
      lineNo++;
      return onTooLong(preview);
    }
    const bytes = carry.length === 0 ? tail : Buffer.concat([...carry, tail]);
    carry = [];
    carryBytes = 0;
    onLineBytes(bytes);
  };
  const processChunk = (chunk: Buffer): void => {
    let start = 0;
    if (carryBytes > 0 || longPreview !== undefined) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) return addCarry(chunk);
      endCarry(chunk.subarray(0, nl));
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      onWholeLines(chunk.subarray(start, last));
      start = last + 1;
    }
    if (start < chunk.length) addCarry(chunk.subarray(start));
  };

  const firstLine = lineNo + 1;
  return {
    push: processChunk,
    end(atFileEnd) {
      if (carryBytes > 0 || longPreview !== undefined) endCarry(Buffer.alloc(0));
      if (atFileEnd) while (pending.length > 0) rejectFirstPending('unterminated quote (the file ends inside it)');
      // the lines of a record still open are not counted: they are read again with what follows
      const lines = (pending.length > 0 ? pending[0]!.line : lineNo + 1) - firstLine;
      return { lines, blankLines, continuationLines, invalidUtf8Lines, empty: lines === 0 };
    },
    get openLine() {
      return pending[0]?.line;
    },
    get delimiter() {
      return delimiter;
    },
    get width() {
      return width;
    },
    get lines() {
      return lineNo;
    },
  };
}

/** Byte offset (0-based) of the first invalid UTF-8 sequence in `bytes`. */
function firstInvalidUtf8(bytes: Buffer): number {
  // Binary search on prefixes would cut sequences; a linear scan on lead bytes is exact and cheap.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length || !isUtf8(bytes.subarray(i, i + len))) return i;
    i += len;
  }
  return bytes.length;
}
