/**
 * Staging a large file in worker threads. The reading thread only gunzips, cuts the text into blocks of whole lines
 * and writes the blocks' results in order; each block is read, checked and encoded by a worker thread with the same
 * line reader and row checker as a reading in one thread (csv-reader.ts, staging-rows.ts), starting at the block's
 * first line number. The result is the same, byte for byte, as reading the file in one thread, because a block
 * starts where the whole file's reader holds nothing over from the lines before:
 * - a block whose reading ends inside a quoted multi-line record leaves that record's lines out, and they are read
 *   again at the start of the next block (the reader holds nothing else over from line to line: csv-reader.ts);
 * - blocks end at a line break with an even count of quotes since the previous cut where one is near, which in a
 *   valid file is between two records, so that such re-readings are rare;
 * - the row checker's state is a cache and what the file's dates say, which is merged (earliest line, summed counts);
 * - a line longer than half the line limit makes the file read in one thread (`BlockFallback`), since that reader
 *   rejects it by bytes read while a block's reader would have it whole.
 * Exports with a record rewrite (state from row to row: Shopify, WooCommerce and Amazon orders) are read in one
 * thread (stage-file.ts decides).
 */
import { Worker } from 'node:worker_threads';
import {
  type CsvReaderOptions,
  type CsvReadResult,
  type CsvReaderStart,
  MAX_LINE_BYTES,
  csvLineReader,
} from './csv-reader.js';
import { type DateOrderEvidence, noDateOrderEvidence } from './date-order.js';
import { LineWriter } from './line-writer.js';
import { type StagingCounts, type StagingSettings, stagingChecker, stagingRows } from './staging-rows.js';

/** How a file is cut into blocks for worker threads. */
export interface BlockPlan {
  /** worker threads that read blocks (0: the file is read in one thread) */
  workers: number;
  /** a block's bytes (at least; it ends at the next line break that closes every quote) */
  blockBytes: number;
  /** files of fewer (uncompressed) bytes are read in one thread */
  minBytes: number;
}

/** What a block's worker needs besides its block: the reading's settings and the header's reading. */
export interface BlockInit {
  settings: StagingSettings;
  header: string[];
  delimiter: string;
  width: number;
  reader: CsvReaderOptions;
}

/** A block: whole lines from line `line` on; `last` is the file's end. */
export interface BlockTask {
  id: number;
  line: number;
  last: boolean;
  bytes: Uint8Array;
}

/** What reading a block gave: its staged bytes (good and rejected lines) and what the file's reading adds up. */
export interface BlockResult {
  id: number;
  good: Uint8Array;
  goodLongest: number;
  rejects: Uint8Array;
  rejectsLongest: number;
  counts: StagingCounts;
  /** the lines read, less those of a record still open at the block's end */
  read: CsvReadResult;
  /** the first line of a multi-line record still open at the block's end, if any (left out of the result) */
  openLine: number | undefined;
  evidence: DateOrderEvidence;
  dateCounts: [string, number][];
}

/** The file cannot be read in blocks (see the module comment): read it again in one thread. */
export class BlockFallback extends Error {}

/**
 * Reads one block (in a worker thread): the same line reader and row checker as a reading of the whole file,
 * started at the block's first line; `good` and `rejects` are in-memory writers, emptied (a worker's, used again).
 * O(block bytes).
 */
export function stageBlock(
  init: BlockInit,
  task: BlockTask,
  good = new LineWriter(),
  rejects = new LineWriter(),
): BlockResult {
  const checker = stagingChecker(init.settings, init.header, init.delimiter);
  const counts: StagingCounts = { loaded: 0, rejected: 0 };
  const start: CsvReaderStart = { line: task.line, delimiter: init.delimiter, width: init.width };
  const sink = {
    header(): void {
      throw new Error('stageBlock: a block has no header');
    },
    ...stagingRows(() => checker, good, rejects, counts),
  };
  const reader = csvLineReader(init.settings.name, sink, init.reader, start);
  reader.push(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength));
  const read = reader.end(task.last);
  const goodLongest = good.longest;
  const rejectsLongest = rejects.longest;
  return {
    id: task.id,
    good: good.take(),
    goodLongest,
    rejects: rejects.take(),
    rejectsLongest,
    counts,
    read,
    openLine: reader.openLine,
    evidence: checker.normalise.dateOrderEvidence(),
    dateCounts: [...checker.normalise.salesDateCounts()],
  };
}

/** The evidence of two parts of a file as that of the whole: each kind's earliest line. */
export function mergeEvidence(a: DateOrderEvidence, b: DateOrderEvidence): DateOrderEvidence {
  const first = <T extends { line: number }>(x: T | undefined, y: T | undefined): T | undefined =>
    x === undefined ? y : y === undefined || x.line <= y.line ? x : y;
  return {
    dayFirst: first(a.dayFirst, b.dayFirst),
    monthFirst: first(a.monthFirst, b.monthFirst),
    ambiguous: first(a.ambiguous, b.ambiguous),
    slashes: a.slashes || b.slashes,
    dots: a.dots || b.dots,
  };
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
/** line breaks looked past for one that closes every quote, before a block is cut at the first one */
const MAX_OPEN_LINES = 64;

/** A block sent to a worker: its bytes are kept until its result is taken, to read its end again if need be. */
interface Sent {
  line: number;
  last: boolean;
  bytes: Uint8Array;
  result: Promise<BlockResult>;
}

/**
 * Cuts a file's bytes (after its header) into blocks, has worker threads read them, and hands their results to
 * `write` in the file's order. `push` the chunks in order (it waits while enough blocks are being read), then `end`;
 * `close` in any case. Either throws BlockFallback when the file must be read in one thread.
 */
export class BlockStager {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: BlockResult) => void; reject: (e: Error) => void }>();
  private readonly queue: Sent[] = [];
  private parts: Buffer[] = [];
  private bytes = 0;
  private nextId = 0;
  /** blocks written */
  count = 0;
  private readonly maxLine: number;
  /** totals of the blocks written */
  readonly read = { lines: 0, blankLines: 0, continuationLines: 0, invalidUtf8Lines: 0 };
  readonly counts: StagingCounts = { loaded: 0, rejected: 0 };
  evidence = noDateOrderEvidence();
  readonly dateCounts = new Map<string, number>();

  constructor(
    init: BlockInit,
    private readonly plan: BlockPlan,
    /** the line number of the first line after the header */
    private line: number,
    private readonly write: (r: BlockResult) => void,
  ) {
    this.maxLine = (init.reader.maxLineBytes ?? MAX_LINE_BYTES) / 2;
    for (let i = 0; i < plan.workers; i++) {
      const w = new Worker(new URL('./stage-block-worker.js', import.meta.url), { workerData: init });
      w.on('message', (r: BlockResult) => {
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        p?.resolve(r);
      });
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => {
        if (code !== 0) this.failAll(new Error(`stageBlock: a worker thread exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** The next chunk of the file's bytes. */
  async push(chunk: Buffer): Promise<void> {
    this.parts.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes < this.plan.blockBytes) return;
    let data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    for (;;) {
      const cut = this.cutAt(data);
      if (cut < 0) break;
      await this.dispatch(data.subarray(0, cut), false);
      data = data.subarray(cut);
      if (data.length < this.plan.blockBytes) break;
    }
    // Blocks are copied into their own memory when sent, so the rest may stay a view of the chunk.
    this.parts = data.length === 0 ? [] : [data];
    this.bytes = data.length;
    if (this.bytes > this.plan.blockBytes + 4 * this.maxLine) throw new BlockFallback('no place to cut a block');
  }

  /** The file has ended: the rest is its last block; waits for every block and writes them. */
  async end(): Promise<void> {
    if (this.bytes > 0) await this.dispatch(Buffer.concat(this.parts, this.bytes), true);
    this.parts = [];
    this.bytes = 0;
    while (this.queue.length > 0) await this.takeFirst();
  }

  async close(): Promise<void> {
    this.failAll(new BlockFallback('closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Where the block that starts `data` ends: after the first line break at or past blockBytes with an even count of
   * quotes before it (a quote pair ends a quoted field, and `""` inside one counts twice), or when none is among
   * the next MAX_OPEN_LINES (a stray quote), after the first line break past blockBytes; -1 when `data` holds none
   * yet.
   */
  private cutAt(data: Buffer): number {
    if (data.length < this.plan.blockBytes) return -1;
    let quotes = 0;
    const from = this.plan.blockBytes - 1;
    for (let q = data.indexOf(QUOTE); q >= 0 && q < from; q = data.indexOf(QUOTE, q + 1)) quotes++;
    let pos = from;
    for (let passed = 0; passed < MAX_OPEN_LINES; passed++) {
      const nl = data.indexOf(NEWLINE, pos);
      if (nl < 0) return -1;
      for (let q = data.indexOf(QUOTE, pos); q >= 0 && q < nl; q = data.indexOf(QUOTE, q + 1)) quotes++;
      if (quotes % 2 === 0) return nl + 1;
      pos = nl + 1;
    }
    return data.indexOf(NEWLINE, from) + 1;
  }

  /** Counts the block's lines (its first line number is known before it is read), then sends it to a worker. */
  private async dispatch(block: Buffer, last: boolean): Promise<void> {
    let lines = 0;
    let prev = -1;
    for (let nl = block.indexOf(NEWLINE); nl >= 0; nl = block.indexOf(NEWLINE, nl + 1)) {
      if (nl - prev > this.maxLine) throw new BlockFallback('a line too long to read in blocks');
      prev = nl;
      lines++;
    }
    if (prev < block.length - 1) {
      if (block.length - 1 - prev > this.maxLine) throw new BlockFallback('a line too long to read in blocks');
      lines++;
    }
    this.queue.push(this.send(new Uint8Array(block), this.line, last));
    this.line += lines;
    // two blocks a worker at most: the file is read no faster than the blocks are
    while (this.queue.length > 2 * this.workers.length) await this.takeFirst();
  }

  private send(bytes: Uint8Array, line: number, last: boolean): Sent {
    const task: BlockTask = { id: this.nextId++, line, last, bytes };
    const worker = this.workers[task.id % this.workers.length]!;
    const result = new Promise<BlockResult>((resolve, reject) => {
      this.waiting.set(task.id, { resolve, reject });
      worker.postMessage(task);
    });
    // a reading given up (an error, a fallback) leaves blocks no one waits for: their end is not an error
    result.catch(() => undefined);
    return { line, last, bytes, result };
  }

  /**
   * Writes the first block's result. When its reading ended inside a multi-line record, that record's lines and the
   * next block are read again as one block in the next one's place (the next one's result is dropped).
   */
  private async takeFirst(): Promise<void> {
    const sent = this.queue.shift()!;
    const r = await sent.result;
    if (r.openLine !== undefined) {
      let offset = 0;
      for (let k = sent.line; k < r.openLine; k++) offset = sent.bytes.indexOf(NEWLINE, offset) + 1;
      const tail = sent.bytes.subarray(offset);
      const next = this.queue.shift();
      const bytes = next === undefined ? new Uint8Array(tail) : Buffer.concat([tail, next.bytes]);
      this.queue.unshift(this.send(new Uint8Array(bytes), r.openLine, next?.last ?? true));
    }
    this.take(r);
  }

  /** Adds a block's result to the file's and writes it. */
  private take(r: BlockResult): void {
    this.write(r);
    this.count++;
    const t = this.read;
    t.lines += r.read.lines;
    t.blankLines += r.read.blankLines;
    t.continuationLines += r.read.continuationLines;
    t.invalidUtf8Lines += r.read.invalidUtf8Lines;
    this.counts.loaded += r.counts.loaded;
    this.counts.rejected += r.counts.rejected;
    this.evidence = mergeEvidence(this.evidence, r.evidence);
    for (const [d, n] of r.dateCounts) this.dateCounts.set(d, (this.dateCounts.get(d) ?? 0) + n);
  }
}
