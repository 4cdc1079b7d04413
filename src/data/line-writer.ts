import { closeSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 22;
const EMPTY = Buffer.alloc(0);

/**
 * Buffered writer of text lines, to a file or (no path) to memory: each line encoded straight into one reused buffer
 * (no joined string). In memory the filled buffers are kept and `take` hands them over as one.
 */
export class LineWriter {
  private buf: Buffer;
  private used = 0;
  private readonly fd: number | undefined;
  private readonly kept: Buffer[] = [];
  constructor(path?: string) {
    this.fd = path === undefined ? undefined : openSync(path, 'w');
    // in memory the first write takes the buffer: a block with no rejected line costs none
    this.buf = path === undefined ? EMPTY : Buffer.allocUnsafe(BUFFER_BYTES);
  }
  /** length of the longest line written, in UTF-16 units */
  longest = 0;
  write(line: string): void {
    if (line.length > this.longest) this.longest = line.length;
    // a UTF-16 unit takes at most 3 bytes in UTF-8
    const most = 3 * line.length + 1;
    if (this.used + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(most, BUFFER_BYTES));
    }
    this.used += this.buf.write(line, this.used);
    this.buf[this.used++] = 10;
  }
  /** Whole lines already encoded (each ended by a line break), `longest` their longest line's length. */
  writeBytes(bytes: Uint8Array, longest: number): void {
    if (longest > this.longest) this.longest = longest;
    this.flush();
    this.out(bytes);
  }
  flush(): void {
    if (this.used === 0) return;
    this.out(this.buf.subarray(0, this.used));
    this.used = 0;
  }
  /** Bytes to the file, or in memory copied out (the buffer is used again: a new one's first writes fault pages in). */
  private out(bytes: Uint8Array): void {
    if (this.fd === undefined) this.kept.push(Buffer.from(bytes));
    else for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  /** The bytes written to memory since the last `take`, as one buffer of its own; `longest` starts again. */
  take(): Buffer {
    const all = Buffer.concat([...this.kept, this.buf.subarray(0, this.used)]);
    this.used = 0;
    this.kept.length = 0;
    this.longest = 0;
    return all;
  }
  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
