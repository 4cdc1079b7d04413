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
