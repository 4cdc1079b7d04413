import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { type Readable, Transform } from 'node:stream';
import { InputError } from './errors.js';

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

export interface CsvReaderOptions {
  /** Field delimiter; detected from the header line when absent. */
  delimiter?: string | undefined;
  /** How many physical lines a quoted field may span before the record is rejected. */
  maxRecordLines?: number;
  /** Longer lines are rejected (characters). */
  maxLineLength?: number;
}

export interface CsvSink {
  header(columns: string[], delimiter: string): void;
  record(rec: CsvRecord): void;
  reject(rej: CsvReject): void;
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

/**
 * Streams a CSV file (plain or gzip) to a sink: the header, every good record with its line
 * number, and every bad line with its line number and reason. Nothing is dropped silently: every
 * physical line after the header ends up in exactly one record or one reject (blank lines are
 * counted in `blankLines`). Invalid UTF-8, wrong column counts, unterminated and stray quotes are
 * rejected per line, so one bad quote never swallows the rows after it.
 */
export async function readCsv(
  path: string,
  sink: CsvSink,
  options: CsvReaderOptions = {},
  /** bytes of the file read so far (compressed bytes for gzip), for progress */
  onBytes?: (bytes: number) => void,
): Promise<{ lines: number; blankLines: number; empty: boolean }> {
  const maxRecordLines = options.maxRecordLines ?? 10_000;
  const maxLineLength = options.maxLineLength ?? 1_000_000;
  const stream = await openByteStream(path, onBytes);
  let carry = null as Buffer | null;
  let lineNo = 0;
  let blankLines = 0;
  let delimiter = options.delimiter ?? '';
  let width = -1;
  // physical lines waiting for the closing quote of a multi-line record
  let pending: { line: number; text: string }[] = [];

  const emitLine = (line: number, text: string): void => {
    if (text.length > maxLineLength) {
      while (pending.length > 0) rejectFirstPending();
      sink.reject({ line, reason: `line longer than ${maxLineLength} characters`, raw: text.slice(0, 1000) + '…' });
      return;
    }
    if (pending.length > 0) {
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

  const finishRecord = (line: number, text: string, res: SplitResult): void => {
    if (res.error !== undefined) sink.reject({ line, reason: res.error, raw: text });
    else if (res.fields!.length < width)
      sink.reject({ line, reason: `missing columns: expected ${width}, found ${res.fields!.length}`, raw: text });
    else if (res.fields!.length > width)
      sink.reject({ line, reason: `too many columns: expected ${width}, found ${res.fields!.length}`, raw: text });
    else sink.record({ line, fields: res.fields!, raw: text });
  };

  // quotes seen in the pending lines: while their count is odd the record is surely still open
  let pendingQuotes = 0;
  const quoteCount = (t: string): number => {
    let k = 0;
    for (let i = t.indexOf('"'); i >= 0; i = t.indexOf('"', i + 1)) k++;
    return k;
  };
  const tryPending = (): void => {
    pendingQuotes += quoteCount(pending[pending.length - 1]!.text);
    if (pendingQuotes % 2 === 1 && pending.length < maxRecordLines) return;
    const text = pending.map((p) => p.text).join('\n');
    const res = splitCsvLine(text, delimiter);
    if (res.unterminated && pending.length < maxRecordLines) return;
    if (!res.unterminated && res.error === undefined && res.fields!.length === width) {
      sink.record({ line: pending[0]!.line, fields: res.fields!, raw: text });
      pending = [];
      pendingQuotes = 0;
      return;
    }
    rejectFirstPending();
  };

  /** Not a valid multi-line record: the first line alone is bad; the others are read afresh. */
  const rejectFirstPending = (): void => {
    const [first, ...rest] = pending;
    pending = [];
    pendingQuotes = 0;
    sink.reject({ line: first!.line, reason: 'unterminated quote', raw: first!.text });
    for (const p of rest) emitLine(p.line, p.text);
  };

  /** One physical line as bytes: checked for UTF-8 on its own (the slow path, for chunks with bad bytes). */
  const onLine = (buf: Buffer, start: number, end: number): void => {
    if (end > start && buf[end - 1] === CR) end--;
    const bytes = buf.subarray(start, end);
    if (!isUtf8(bytes)) {
      lineNo++;
      if (lineNo === 1) throw new InputError(`${path}: line 1 (header) is not valid UTF-8`);
      // A multi-line record cannot run through an unreadable line.
      while (pending.length > 0) rejectFirstPending();
      sink.reject({
        line: lineNo,
        reason: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)}`,
        raw: bytes.toString('utf8'),
      });
      return;
    }
    onText(bytes.toString('utf8'));
  };

  /** One physical line as text (without its line break). */
  const onText = (text: string): void => {
    lineNo++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
    if (lineNo === 1) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) processChunk(chunk);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw new InputError(`${path}: cannot decompress: ${(e as Error).message}`);
    throw e;
  }
  if (carry !== null && carry.length > 0) onLine(carry, 0, carry.length);
  while (pending.length > 0) rejectFirstPending();
  return { lines: lineNo, blankLines, empty: lineNo === 0 };

  /** Splits a chunk into lines; decodes it in one go when it is valid UTF-8 (the usual case). */
  function processChunk(chunk: Buffer): void {
    const buf = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    const last = buf.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = Buffer.from(buf);
      return;
    }
    const whole = buf.subarray(0, last);
    if (isUtf8(whole)) {
      const lines = whole.toString('utf8').split('\n');
      for (const line of lines) onText(line);
    } else {
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(NEWLINE, start);
        if (nl < 0 || nl > last) break;
        onLine(buf, start, nl);
        start = nl + 1;
      }
    }
    if (last + 1 < buf.length) carry = Buffer.from(buf.subarray(last + 1));
  }
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
