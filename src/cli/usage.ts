/** The CLI's usage text (`shopcast --help`) and each command's own help (`shopcast <command> --help`). */
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE } from '../store/defaults.js';
import type { Io } from './io.js';

/** The largest horizon a command takes, for the help texts (the library's rule: src/pipeline/horizon-limit.ts). */
const HORIZON_RULE = 'at most twice the history, and at most 3 years';

export const USAGE = `shopcast — demand planning for online shops

Usage:
  shopcast plan [<files…>] [--horizon DAYS] [--service-level 0.95] [--budget AMOUNT] [--out DIR]
                [--model auto|…] [--as-of DATE] [--report-skus N] [--currency GBP] [--json]
                (ingest the files, then forecasts.csv, orders.csv and report.html in --out, default ./plan)
  shopcast ingest <files…> [--map FILE] [--config FILE] [--date-order dmy|mdy]
                  [--encoding utf-8|windows-1252] [--stock-date DATE] [--json]
  shopcast inspect [--top N] [--json]
  shopcast series --sku SKU [--freq day|week] [--json]
  shopcast forecast [--series FILE] [--freq day|week|…] [--horizon N] [--season-length N]
                    [--model auto|global|ensemble|ets|arima|theta|…] [--as-of DATE] [--threads N] [--levels a,b,…]
                    [--out forecasts.csv]
  shopcast explain --sku SKU [--date DATE] [--json]   (why the global model forecasts what it does)
  shopcast lifecycle [--sku SKU] [--as-of DATE] [--top N] [--json]   (stage, evidence, curve; alerts on change)
  shopcast launch --name TEXT --price P [--description TEXT] [--category C] [--date DATE] [--sku SKU]
                  [--weeks 12] [--service-level 0.95] [--cover-weeks 4] [--candidates 8] [--audience N] [--json]
  shopcast launch --track [--json]   (stored launches against their sales)
  shopcast customers [--as-of DATE] [--days 90] [--model auto|bg-nbd|pareto-nbd] [--top N] [--out FILE] [--json]
                     (who buys again: P(alive), expected purchases and value, CLV, RFM segments)
  shopcast backtest [--series FILE] [--freq …] [--horizon N] [--origins 3] [--models a,b,c] [--json]
  shopcast compare --models a,b [--series FILE] [--freq …] [--horizon N] [--origins 3] [--json]
                   (two models on the same backtest, with a Diebold–Mariano test)
  shopcast serve [--host 127.0.0.1] [--port 8080] [--cors-origin O]… [--rate-limit 6000/min] [--max-upload 1GB]
  shopcast keys create --name N --scope read|write|admin | keys list | keys revoke ID   (API keys of serve)
  shopcast synth --skus N --out DIR [--years 2] [--seed 1] [--json]
                 (a synthetic shop resampled from the sample shop: order-lines.csv.gz, catalog.csv, stock.csv)
  shopcast worker --redis URL [--concurrency N] [--stall-seconds 30]
                  (takes shards of plan --redis URL: forecasts, life-cycle stages, stock policies)

Every command takes --workspace DIR (default ${DEFAULT_WORKSPACE}), --memory-limit SIZE (DuckDB's
buffer memory, default ${DEFAULT_MEMORY_LIMIT}) and --debug (stack traces); \`shopcast <command> --help\`
lists a command's options with their defaults. Dates are YYYY-MM-DD.
Files: CSV (plain or .gz) or Parquet; order lines or daily sales (see README, "Data contract").
`;

const COMMON_HELP = `Common options:
  --workspace DIR       the workspace folder (default ${DEFAULT_WORKSPACE})
  --memory-limit SIZE   DuckDB's buffer memory, e.g. 300MB, 2GB (default ${DEFAULT_MEMORY_LIMIT})
  --debug               print stack traces
  -h, --help            this help
`;

const SERIES_HELP = `  --series FILE         plain series in long form (sku,date,units; also unique_id,ds,y) instead of
                        the workspace's demand; a period with no row is zero sales (the count is reported), an
                        empty units cell is unknown, two rows for one series and period are refused
  --freq F              hour, day, week, month, quarter or year (required with --series; default day)
  --horizon N           periods to forecast (default: 28 days, 13 weeks, 12 months, 8 quarters, 6 years…;
                        ${HORIZON_RULE})
  --season-length N     periods per season (default: 7 for days, 52 for weeks, 12 for months…)
  --as-of DATE          use only the data up to this day (YYYY-MM-DD; not after the last day with data)
  --threads N           worker threads (default: all cores)
`;

/** Each command's help: what it does, its usage line and its options with their defaults. */
export const COMMAND_HELP: Record<string, string> = {
  plan: `shopcast plan [<files…>] [options]

Ingests the files given (if any), then forecasts every SKU, assesses its life cycle and writes the
purchase orders: forecasts.csv, orders.csv and report.html in --out. The three files are written
together at the end (into a temporary folder beside --out, then moved in place): a failed run leaves
the previous plan as it was.

Options:
  --out DIR             output folder (default ./plan); must not be a file or a symbolic link
  --horizon DAYS        days to forecast (default 28; at least lead time + review period is always
                        forecast; ${HORIZON_RULE})
  --service-level P     one cycle service level for every SKU, between 0.5 and 1, e.g. 0.95 (default:
                        by ABC × XYZ class, 0.85 to 0.98)
  --budget AMOUNT       spend at most this on the orders (unit cost × quantity; default: no limit)
  --currency CODE       currency of prices and costs in the report: an ISO 4217 code (GBP → £, EUR → €)
                        or a short symbol (default: none shown; shop files carry no currency column)
  --model NAME          forecasting model (default auto: the engine's choice per SKU by backtest)
  --as-of DATE          plan as of this day (YYYY-MM-DD; default: the last day with data)
  --report-skus N       SKUs shown in detail in the report (default 20)
  --full-lots           keep economic (EOQ) lots whole for seasonal products (default: no lot beyond
                        the demand until the product's season ends)
  --parquet             also write forecasts.parquet, orders.parquet and purchase-orders.parquet (the
                        CSV files' rows and columns, typed), for large catalogues
  --map FILE            column mapping for the files (see shopcast ingest --help)
  --config FILE         cleaning settings for the files
  --date-order, --encoding, --stock-date
                        as for shopcast ingest
  --threads N           worker threads (default: all cores)
  --redis URL           run the per-SKU forecasts, life-cycle stages and stock policies as shards on
                        the BullMQ workers of this Redis server (shopcast worker --redis URL, any
                        number, any machine); the plan is the same as without it
  --json                print the summary as JSON
`,
  worker: `shopcast worker --redis URL [options]

Takes shards of per-SKU work (forecasts, life-cycle stages, stock policies) that \`shopcast plan
--redis URL\` puts on the Redis server's BullMQ queue, computes them and sends the results back; runs
until SIGTERM or Ctrl-C (it finishes the shards it holds first). Start any number, on any machines that
reach the server. A worker killed mid-shard leaves its shard to another after --stall-seconds.

Options:
  --redis URL           redis://[user:password@]host:port[/db] (required)
  --concurrency N       shards computed at once, one per thread (default: one per core)
  --stall-seconds S     seconds after which a silent worker's shard goes to another (default 30)
`,
  ingest: `shopcast ingest <files…> [options]

Reads order lines, daily sales, catalogue or stock files (CSV, plain or .gz, or Parquet) into the
workspace and cleans them; rejected rows are kept with file, line and reason in rejects.csv.

Options:
  --map FILE            maps the files' column names to shopcast's (for layouts not recognised)
  --config FILE         cleaning settings (JSON)
  --date-order dmy|mdy  how slash dates like 03/04/2024 read (default: what the whole file shows;
                        asked for when no date in the file can tell)
  --encoding NAME       the files' text encoding: utf-8 (default), windows-1252 or latin1
  --stock-date DATE     the day stock files were counted (YYYY-MM-DD), for rows without a date column
                        (default: the last day of sales data); each date is a stock snapshot
  --json                print the ingest report as JSON
`,
  inspect: `shopcast inspect [options]

What the workspace holds: files, rows, SKUs, dates, top sellers and the cleaning report.

Options:
  --top N               top sellers listed (default 10)
  --json                print as JSON
`,
  series: `shopcast series --sku SKU [options]

One SKU's clean demand as CSV (date, units, revenue and the cleaning flags).

Options:
  --sku SKU             the SKU (required)
  --freq day|week       daily or weekly (default day)
  --json                print as JSON
`,
  forecast: `shopcast forecast [options]

Forecasts every SKU of the workspace (or the series of --series) and writes forecasts.csv:
sku,date,mean,p05,p25,p50,p75,p95,model.

Options:
  --model NAME          auto (default: the best three of a pool, backtested from three origins),
                        auto-meta (auto's pool, weights learned across all the series or SKUs),
                        global (trees learned across all the series; the workspace's: daily), ensemble
                        (workspace, daily), or a statistical model: ets, arima, theta, croston…
  --out FILE            where forecasts.csv goes (default forecasts.csv; - for standard output, which
                        cannot be combined with --json)
  --levels a,b,…        quantile levels written, increasing, with --series (default 0.05,0.25,0.5,0.75,0.95;
                        0.025,…,0.975 adds a 95 % interval: columns p02.5 … p97.5)
${SERIES_HELP}  --json                print the summary as JSON
`,
  backtest: `shopcast backtest [options]

Accuracy of each model over rolling origins (MASE, RMSSE, sMAPE, WAPE, bias, pinball, coverage).

Options:
  --models a,b,c        models to compare (default naive,snaive,theta,ets,auto)
  --origins N           rolling origins, each --horizon periods before the last (default 3)
${SERIES_HELP}  --json                print as JSON
`,
  compare: `shopcast compare --models a,b [options]

Two models over the same rolling-origin backtest (MASE, sMAPE, WAPE, bias, coverage) and a Diebold–Mariano
test of their difference (Harvey–Leybourne–Newbold correction, as R forecast::dm.test, two-sided) on the
absolute scaled errors averaged over the series at each period.

Options:
  --models a,b          the two models (required)
  --origins N           rolling origins, each --horizon periods before the last (default 3)
${SERIES_HELP}  --json                print as JSON
`,
  explain: `shopcast explain --sku SKU [options]

Why the stored global model (shopcast forecast --model global) forecasts what it does for a SKU and day.

Options:
  --sku SKU             the SKU (required)
  --date DATE           a day of the model's forecast window (YYYY-MM-DD; default its first day)
  --top N               drivers listed (default 8)
  --json                print as JSON
`,
  synth: `shopcast synth --skus N --out DIR [options]

Writes a synthetic shop of N SKUs into DIR: order-lines.csv.gz (Online Retail's columns), catalog.csv and
stock.csv, which \`shopcast plan DIR/*\` takes as they are. Each SKU relives one of the bundled sample shop's
products (its launch, season, weekdays, order sizes, cancellations and returns) at its own level, trend and
prices, with promotions and stock-outs; the same arguments give the same files.

Options:
  --skus N              SKUs to make (required; up to 10,000,000)
  --out DIR             the folder to write into (required; made when missing)
  --years N             years of history, 364 days each (default 2)
  --seed S              the random seed (default 1)
  --template FILE       order lines to resample, in Online Retail's columns (default: the sample shop)
  --json                print the summary as JSON
`,
  lifecycle: `shopcast lifecycle [options]

Where each SKU stands in its life cycle (introduction, growth, maturity, decline, dormant, ended),
with the evidence, and the stage changes since the last run.

Options:
  --sku SKU             one SKU in detail, with its weekly stages and next weeks
  --as-of DATE          as of this day (YYYY-MM-DD; default: the last day with data)
  --top N               SKUs and alerts listed (default 20)
  --json                print as JSON
`,
  customers: `shopcast customers [options]

What the shop's customers will do, from the order lines with a customer id up to --as-of: BG/NBD and
Pareto/NBD (purchases: P(alive), expected purchases in the next --days), Gamma-Gamma (value of a
purchase), CLV over --days (expected purchases × expected value, revenue, undiscounted) and RFM
segments. A purchase is a day with a sale. The run is stored in the workspace.

Options:
  --as-of DATE          fit on the data up to this day (YYYY-MM-DD; default: the last day with sales)
  --days N              horizon of expected purchases and CLV, in days (default 90)
  --model M             auto (the higher log-likelihood), bg-nbd or pareto-nbd (default auto)
  --top N               customers listed, by CLV (default 20)
  --out FILE            write one row per customer: customer_id, frequency, recency, T (days), p_alive,
                        expected_purchases, expected_value, clv, segment
  --json                print as JSON (the top N customers)
`,
  launch: `shopcast launch --name TEXT --price P [options]
shopcast launch --track [options]

A forecast and initial stock for a product without history, learned from similar products and
earlier launches; --track compares stored launches with their sales.

Options:
  --name TEXT           the product's name (required unless --track)
  --price P             its selling price (required unless --track)
  --description TEXT    a longer description
  --category C          its category
  --date DATE           the launch day (YYYY-MM-DD; default: the day after the data)
  --sku SKU             store the launch under this SKU (to --track it later)
  --weeks N             weeks to forecast, 1 to 52 (default 12)
  --service-level P     service level of the initial stock, 0.05 to 0.95 (default 0.95)
  --cover-weeks N       weeks the initial stock covers (default 4, at most --weeks)
  --candidates N        launch weeks compared to find the best one (default 8)
  --audience N          also list the N customers most likely to buy it: buyers of its similar products
                        by P(alive) × affinity, with the units to expect from them (needs customer ids)
  --track               the stored launches against their sales
  --json                print as JSON
`,
};

COMMAND_HELP['serve'] = `shopcast serve [options]

Runs the HTTP service on the workspace (created when there is none) until SIGTERM or Ctrl-C, then stops
gracefully: requests under way finish, jobs close, DuckDB closes; exit code 0. Prints the URL; logs JSON
lines (pino) with request ids. Every route but /health needs an API key (shopcast keys create). The API is
described at /openapi.json and /docs.

Options:
  --host H              address to listen on (default 127.0.0.1)
  --port N              port (default 8080; 0 picks a free one)
  --cors-origin O       allow browser calls from this origin (repeatable; default: CORS off)
  --rate-limit N/min    requests per key per minute (also /s, /h; default 6000/min)
  --max-upload SIZE     largest uploaded file, e.g. 500MB (default 1GB)
  --log-level L         fatal|error|warn|info|debug|trace (default info: every request is logged)
  --quiet               no log at all
  --if-empty FILES…     when the workspace holds no data, ingest the files and plan them first (as npm run demo)
  --currency CODE       the currency --if-empty plans with and keeps as the workspace's (default GBP)
  --new-key NAME        once listening, create an admin key NAME (revoking earlier keys of that name) and print it
                        with the dashboard's URL, on stdout only (never in the log)
`;

COMMAND_HELP['keys'] = `shopcast keys create --name N --scope read|write|admin
shopcast keys list
shopcast keys revoke ID

API keys of shopcast serve. Scopes nest: admin (keys) ⊃ write (uploads, batches, plans, approvals) ⊃ read.
create prints the token once (only a scrypt hash is stored); list shows no secrets; revoke refuses the
key from then on. While the server runs it holds the workspace: use POST/GET/DELETE /keys instead.

Options:
  --name N              what the key is for (create)
  --scope S             read, write or admin (create)
  --json                print as JSON
`;

/** Prints the usage text, or `command`'s own help when it has one; exit code 0. */
export function help(io: Io, command?: string): number {
  const own = command === undefined ? undefined : COMMAND_HELP[command];
  io.out(own === undefined ? USAGE : `${own}\n${COMMON_HELP}`);
  return 0;
}
