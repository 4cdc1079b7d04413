import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { InputError } from '../data/errors.js';
import { parseTimestamp } from '../data/values.js';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE } from './defaults.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

/** A JSON-shaped row as DuckDB returns it (dates as `YYYY-MM-DD` text, BIGINTs as text). */
export type Row = Record<string, string | number | boolean | null>;

export interface WorkspaceOptions {
  /** DuckDB threads (default: all cores). */
  threads?: number;
  /** DuckDB memory limit, e.g. '2GB' (default DEFAULT_MEMORY_LIMIT); DuckDB spills to disk beyond it. */
  memoryLimit?: string;
}

export { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE };


/**
 * A shopcast workspace: a folder holding the embedded DuckDB database `shop.duckdb` with the raw
 * rows, rejected rows, cleaned order lines, catalog, daily demand and run metadata.
 * A resource, hence a class: open it, use it, close it.
 */
export class Workspace {
  private constructor(
    readonly dir: string,
    readonly dbPath: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Opens (creating when needed) the workspace in `dir` and brings its schema up to date. */
  static async open(dir: string = DEFAULT_WORKSPACE, options: WorkspaceOptions = {}): Promise<Workspace> {
    const abs = resolve(dir);
    mkdirSync(abs, { recursive: true });
    const dbPath = join(abs, 'shop.duckdb');
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    config['memory_limit'] = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const instance = await DuckDBInstance.create(dbPath, config);
    const conn = await instance.connect();
    const ws = new Workspace(abs, dbPath, instance, conn);
    await ws.run(SCHEMA_SQL);
    await ws.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
    return ws;
  }

  /** Runs one or more statements. */
  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.conn.run(sql, params);
  }

  /** Runs a query and returns its rows as JSON-shaped objects. */
  async all(sql: string, params?: DuckDBValue[]): Promise<Row[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as Row[];
  }

  /** Runs a query expected to return one row. */
  async one(sql: string, params?: DuckDBValue[]): Promise<Row> {
    const rows = await this.all(sql, params);
    if (rows.length !== 1) throw new Error(`Workspace.one: expected 1 row, got ${rows.length}`);
    return rows[0]!;
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

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Quotes a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** `DATE 'YYYY-MM-DD'` of an as-of date given on the command line (`option` names it in errors); none: no limit. */
export function asOfDateSql(text: string | undefined, option: string): string {
  if (text === undefined) return "DATE '9999-12-31'";
  const ts = parseTimestamp(text);
  if (ts === undefined) throw new InputError(`${option}: unreadable date '${text}'`);
  return `DATE ${sqlString(ts.slice(0, 10))}`;
}
