import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DuckDBInstance,
  DuckDBTypeId,
  dateValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBValue,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { DAY_MS, dayMs } from '../numerics/calendar.js';
import { InputError } from '../data/errors.js';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE, memoryLimitBytes } from './defaults.js';
import { migrate } from './schema.js';
import { type Sql, toDuckDb } from './sql.js';

/** A JSON-shaped row as DuckDB returns it (dates as `YYYY-MM-DD` text, BIGINTs as text). */
export type Row = Record<string, string | number | boolean | null>;

/** A statement: constant text, or a `sql` template with bound values. */
export type Query = string | Sql;

/** Column types the appender writes (`appendRows`). */
export type AppendType = 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'BOOLEAN' | 'DATE' | 'BLOB';

/** DuckDB settings for `Workspace.open`. */
export interface WorkspaceOptions {
  /** DuckDB threads (default: all cores). */
  threads?: number;
  /**
   * DuckDB memory limit, e.g. '2GB' (default DEFAULT_MEMORY_LIMIT, at least 16MB); DuckDB spills to disk beyond it.
   */
  memoryLimit?: string;
  /**
   * Refuse a folder that holds no workspace instead of creating one (default false): what reading commands want,
   * so that a mistyped path is an error rather than a new empty workspace.
   */
  mustExist?: boolean;
}

/** Thrown by `Workspace.open` with `mustExist` when there is no workspace at the path. */
export class NoWorkspaceError extends InputError {}

/** A workspace's DuckDB error, recognised: another process holds its lock, or DuckDB ran out of memory. */
export function duckDbFailure(e: unknown): 'locked' | 'out-of-memory' | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  // DuckDB: 'IO Error: Could not set lock on file "…": Conflicting lock is held in … (PID …)'
  if (/^IO Error: Could not set lock on file\b/.test(msg) || /Conflicting lock is held/.test(msg)) return 'locked';
  // 'Out of Memory Error: failed to pin block of size …' (its text has 'block' in it: not a lock)
  if (/^Out of Memory Error\b/.test(msg)) return 'out-of-memory';
  return undefined;
}

export { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE };

function split(q: Query): [string, DuckDBValue[] | undefined] {
  return typeof q === 'string' ? [q, undefined] : [toDuckDb(q), q.values.length === 0 ? undefined : [...q.values]];
}

/**
 * A shopcast workspace: a folder holding the embedded DuckDB database `shop.duckdb` with the raw
 * rows, rejected rows, cleaned order lines, catalog, daily demand and run metadata.
 * A resource, hence a class: open it, use it, close it.
 *
 * @example
 * const ws = await Workspace.open('.shopcast');
 * const rows = await ws.all<{ sku: string; units: number }>(
 *   sql`SELECT sku, units FROM daily_demand WHERE sku = ${sku}`,
 * );
 * ws.close();
 */
export class Workspace {
  private constructor(
    readonly dir: string,
    readonly dbPath: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly ownsInstance = true,
    /** DuckDB's buffer memory as opened (WorkspaceOptions.memoryLimit) */
    readonly memoryLimit: string = DEFAULT_MEMORY_LIMIT,
  ) {}

  /**
   * Opens (creating when needed, unless `mustExist`) the workspace in `dir` and brings its schema up to
   * date: a workspace written by an earlier release is migrated (store/schema.ts), one written by a
   * later release is refused. A bad memory limit is an InputError naming `memoryLimit`.
   */
  static async open(dir: string = DEFAULT_WORKSPACE, options: WorkspaceOptions = {}): Promise<Workspace> {
    const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    if (memoryLimitBytes(memoryLimit) === undefined)
      throw new InputError(`memoryLimit must be a size such as 300MB or 2GB, at least 16MB, got '${memoryLimit}'`, {
        field: 'memoryLimit',
      });
    const abs = resolve(dir);
    const dbPath = join(abs, 'shop.duckdb');
    if (options.mustExist === true && !existsSync(dbPath))
      throw new NoWorkspaceError(
        `${dir}: no shopcast workspace there (no ${existsSync(abs) ? 'shop.duckdb in that folder' : 'such folder'}); ` +
          `check the path, or create one with 'shopcast ingest FILES --workspace ${dir}'`,
      );
    mkdirSync(abs, { recursive: true });
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    config['memory_limit'] = memoryLimit;
    const instance = await DuckDBInstance.create(dbPath, config);
    const conn = await instance.connect();
    const ws = new Workspace(abs, dbPath, instance, conn, true, memoryLimit);
    try {
      await migrate(ws);
    } catch (e) {
      ws.close();
      throw e;
    }
    return ws;
  }

  /** Runs one or more statements. */
  async run(q: Query): Promise<void> {
    const [text, values] = split(q);
    await this.conn.run(text, values);
  }

  /** Runs a query and returns its rows as JSON-shaped objects, typed as the caller states. */
  async all<T extends object = Row>(q: Query): Promise<T[]> {
    const [text, values] = split(q);
    const reader = await this.conn.runAndReadAll(text, values);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  /**
   * Runs a query and yields its result chunk by chunk (DuckDB's vectors, at most 2048 rows each) as columns of plain
   * values (numbers, strings, null for the column types a panel reads), each chunk fetched asynchronously: a reader of
   * many rows converts one chunk at a time and lets the event loop run in between, where `all` would convert every row
   * in one synchronous stretch.
   */
  async *columnChunks(q: Query): AsyncGenerator<DuckDBValue[][]> {
    const [text, values] = split(q);
    const result = await this.conn.stream(text, values);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      yield chunk.getColumns();
    }
  }

  /**
   * `columnChunks` with every DOUBLE column as a Float64Array (NULL as NaN), copied from DuckDB's vector at once: a
   * value read one at a time costs a call and, where the column has NULLs, BigInt arithmetic on its validity mask (the
   * live refresh's read of 800 SKUs' daily demand spent most of its time there). Other columns as `columnChunks`.
   * A DOUBLE column's array is valid until the next chunk is asked for: the arrays are one buffer per column, reused
   * (with a new one per column and chunk, short-lived buffers outside the JS heap, the 100,000-SKU plan peaked at
   * 4,622 MiB; 4,128 MiB with the buffers reused).
   * @example for await (const [sku, units] of ws.numberChunks('SELECT sku, units::DOUBLE FROM daily_demand')) …
   */
  async *numberChunks(q: Query): AsyncGenerator<(DuckDBValue[] | Float64Array)[]> {
    const [text, values] = split(q);
    const result = await this.conn.stream(text, values);
    const buffers = result.columnTypes().map((t) => (t.typeId === DuckDBTypeId.DOUBLE ? new Float64Array(0) : null));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      yield buffers.map((b, i) => {
        if (b === null) return chunk.getColumnValues(i);
        if (b.length < chunk.rowCount) b = buffers[i] = new Float64Array(Math.max(2048, chunk.rowCount));
        return doubleColumn(chunk, i, b.subarray(0, chunk.rowCount));
      });
    }
  }

  /** Runs a query expected to return one row. */
  async one<T extends object = Row>(q: Query): Promise<T> {
    const rows = await this.all<T>(q);
    if (rows.length !== 1) throw new Error(`Workspace.one: expected 1 row, got ${rows.length}`);
    return rows[0]!;
  }

  /**
   * Appends rows to `table` through DuckDB's appender (no SQL text at all): one value per column, in
   * the table's column order; `null` is NULL, dates are `YYYY-MM-DD`, BLOBs a Uint8Array.
   */
  async appendRows(
    table: string,
    types: readonly AppendType[],
    rows: Iterable<readonly (string | number | boolean | Uint8Array | null)[]>,
  ): Promise<void> {
    const appender: DuckDBAppender = await this.conn.createAppender(table);
    try {
      for (const row of rows) {
        if (row.length !== types.length)
          throw new Error(`appendRows(${table}): ${row.length} values for ${types.length} columns`);
        row.forEach((v, k) => {
          if (v === null) return appender.appendNull();
          switch (types[k]) {
            case 'VARCHAR':
              return appender.appendVarchar(String(v));
            case 'DOUBLE':
              return appender.appendDouble(Number(v));
            case 'INTEGER':
              return appender.appendInteger(Number(v));
            case 'BOOLEAN':
              return appender.appendBoolean(Boolean(v));
            case 'DATE':
              return appender.appendDate(dateValue(Math.round(dayMs(String(v)) / DAY_MS)));
            case 'BLOB':
              if (!(v instanceof Uint8Array)) throw new Error(`appendRows(${table}): column ${k} needs bytes`);
              return appender.appendBlob(v);
            default:
              throw new Error(`appendRows(${table}): unknown type ${String(types[k])}`);
          }
        });
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Runs `fn` inside a transaction, rolled back if it throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.run('COMMIT');
      return out;
    } catch (e) {
      await this.run('ROLLBACK');
      throw e;
    }
  }

  /**
   * Whether this is the workspace's own connection (Workspace.open), not a second one (`connect`): only it rebuilds
   * derived tables on its own initiative (`ensureCleanTables`).
   */
  get primary(): boolean {
    return this.ownsInstance;
  }

  /**
   * A second connection to the same database, as a Workspace: it sees what other connections committed (DuckDB's
   * snapshot isolation), never another connection's open transaction. The service reads through one while its writer
   * connection runs a transaction. Closing it closes only the connection.
   */
  async connect(): Promise<Workspace> {
    return new Workspace(this.dir, this.dbPath, this.instance, await this.instance.connect(), false, this.memoryLimit);
  }

  /**
   * Sets DuckDB's buffer memory to `limit` (when below the workspace's `memoryLimit`) until the function it returns
   * sets it back: the buffer that earlier statements filled (an ingest's clean, with a large --memory-limit) is given
   * back to the system, for steps whose memory is their own arrays and which read and write DuckDB a little at a
   * time (a plan). The setting is the database's: every connection's.
   * @example
   * const restore = await ws.limitMemory('300MB');
   * await planWorkspace(ws, o).finally(restore);
   */
  async limitMemory(limit: string): Promise<() => Promise<void>> {
    const bytes = memoryLimitBytes(limit);
    if (bytes === undefined) throw new InputError(`limitMemory: '${limit}' is not a size such as 300MB`);
    if (bytes >= memoryLimitBytes(this.memoryLimit)!) return async () => {};
    // both sizes passed memoryLimitBytes (digits and a unit): safe in the statement's text
    await this.run(`SET memory_limit = '${limit.trim()}'`);
    return async () => this.run(`SET memory_limit = '${this.memoryLimit.trim()}'`);
  }

  close(): void {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

/**
 * Column `i` of a result chunk, a DOUBLE column, into `out` (the chunk's rows long) with NaN where the value is NULL:
 * its data copied as bytes, and its validity mask (bit k of the mask's little-endian 64-bit words, i.e. of its bytes
 * in order: NULL when clear; no mask: no NULL) read a byte at a time. A result chunk's vectors are flat (DuckDB's C
 * API).
 */
function doubleColumn(chunk: DuckDBDataChunk, i: number, out: Float64Array): Float64Array {
  const n = out.length;
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
  new Uint8Array(out.buffer, out.byteOffset, n * 8).set(duckdb.vector_get_data(vector, n * 8).subarray(0, n * 8));
  const mask = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8) as Uint8Array | null | undefined;
  if (mask)
    for (let b = 0; b < mask.length && b * 8 < n; b++) {
      const byte = mask[b]!;
      if (byte === 0xff) continue;
      for (let k = b * 8; k < Math.min(n, b * 8 + 8); k++) if ((byte & (1 << (k & 7))) === 0) out[k] = NaN;
    }
  return out;
}
