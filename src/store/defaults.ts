/** Workspace defaults, in a module of their own so that commands not touching DuckDB need not load it. */

/**
 * Default workspace folder, relative to the current directory.
 * @example const ws = await Workspace.open(DEFAULT_WORKSPACE); // ./.shopcast/shop.duckdb
 */
export const DEFAULT_WORKSPACE = '.shopcast';

/**
 * DuckDB's buffer memory by default. Small on purpose: ingesting and cleaning the 441,521 lines of
 * Online Retail then peaks near 0.7 GB for the whole process instead of 0.8–1.0 GB, for ~0.4 s more
 * (bench/RESULTS.md); larger shops raise it with --memory-limit.
 * @example const ws = await Workspace.open('.shopcast', { memoryLimit: '2GB' }); // instead of '300MB'
 */
export const DEFAULT_MEMORY_LIMIT = '300MB';

/** The smallest memory limit accepted: below it DuckDB cannot even read a small workspace (4MB and 8MB fail). */
export const MIN_MEMORY_LIMIT_BYTES = 16_000_000;

const UNIT_BYTES: Record<string, number> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * The bytes of a memory limit such as '300MB' or '2GiB' (DuckDB's units: KB = 1000 bytes, KiB = 1024), or
 * undefined when the text is not a size or is below MIN_MEMORY_LIMIT_BYTES.
 * @example memoryLimitBytes('300MB') // 300000000; memoryLimitBytes('0MB') // undefined
 */
export function memoryLimitBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.exec(text.trim());
  if (m === null) return undefined;
  const bytes = Number(m[1]) * UNIT_BYTES[m[2]!.toLowerCase()]!;
  return bytes >= MIN_MEMORY_LIMIT_BYTES ? bytes : undefined;
}
