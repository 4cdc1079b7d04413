/** The CLI's usage text, printed by `shopcast --help` and by every command's --help. */
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE } from '../store/defaults.js';
import type { Io } from './io.js';

export const USAGE = `shopcast — demand planning for online shops

Usage:
  shopcast plan [<files…>] [--horizon DAYS] [--service-level 0.95] [--budget AMOUNT] [--out DIR]
                [--model auto|…] [--as-of DATE] [--report-skus N] [--currency GBP] [--json]
                (ingest the files, then forecasts.csv, orders.csv and report.html in --out, default ./plan)
  shopcast ingest <files…> [--map FILE] [--config FILE] [--date-order dmy|mdy]
                  [--encoding utf-8|windows-1252] [--json]
  shopcast inspect [--top N] [--json]
  shopcast series --sku SKU [--freq day|week] [--json]
  shopcast forecast [--series FILE] [--freq day|week|…] [--horizon N] [--season-length N]
                    [--model auto|global|ensemble|ets|arima|theta|…] [--as-of DATE] [--threads N] [--out forecasts.csv]
  shopcast explain --sku SKU [--date DATE] [--json]   (why the global model forecasts what it does)
  shopcast lifecycle [--sku SKU] [--as-of DATE] [--top N] [--json]   (stage, evidence, curve; alerts on change)
  shopcast launch --name TEXT --price P [--description TEXT] [--category C] [--date DATE] [--sku SKU]
                  [--weeks 12] [--service-level 0.95] [--cover-weeks 4] [--candidates 8] [--json]
  shopcast launch --track [--json]   (stored launches against their sales)
  shopcast backtest [--series FILE] [--freq …] [--horizon N] [--origins 3] [--models a,b,c] [--json]

Every command takes --workspace DIR (default ${DEFAULT_WORKSPACE}), --memory-limit SIZE (DuckDB's
buffer memory, default ${DEFAULT_MEMORY_LIMIT}) and --debug (stack traces).
Files: CSV (plain or .gz) or Parquet; order lines or daily sales (see README, "Data contract").
`;

/** Prints the usage text; exit code 0. */
export function help(io: Io): number {
  io.out(USAGE);
  return 0;
}
