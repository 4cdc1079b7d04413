/**
 * The shopcast command line: the usage text, the command table and the one top-level catch.
 * Each command lives in `commands/` as an exported function `(args, io?) => exit code`.
 */
import { InputError } from '../data/errors.js';
import { ShardError } from '../engine/shards.js';
import { backtestCommand } from './commands/backtest.js';
import { compareCommand } from './commands/compare.js';
import { customersCommand } from './commands/customers.js';
import { explainCommand } from './commands/explain.js';
import { forecastCommand } from './commands/forecast.js';
import { ingestCommand } from './commands/ingest.js';
import { inspectCommand } from './commands/inspect.js';
import { keysCommand } from './commands/keys.js';
import { launchCommand } from './commands/launch.js';
import { lifecycleCommand } from './commands/lifecycle.js';
import { planCommand } from './commands/plan.js';
import { seriesCommand } from './commands/series.js';
import { serveCommand } from './commands/serve.js';
import { synthCommand } from './commands/synth.js';
import { workerCommand } from './commands/worker.js';
import { defaultIo, type Io } from './io.js';
import { help, USAGE } from './usage.js';

export type { Io } from './io.js';
export { USAGE } from './usage.js';
export {
  backtestCommand,
  compareCommand,
  customersCommand,
  explainCommand,
  forecastCommand,
  ingestCommand,
  inspectCommand,
  keysCommand,
  launchCommand,
  lifecycleCommand,
  planCommand,
  seriesCommand,
  serveCommand,
  synthCommand,
  workerCommand,
};

const COMMANDS: Record<string, (args: string[], io?: Io) => Promise<number>> = {
  backtest: backtestCommand,
  compare: compareCommand,
  customers: customersCommand,
  explain: explainCommand,
  forecast: forecastCommand,
  ingest: ingestCommand,
  inspect: inspectCommand,
  keys: keysCommand,
  launch: launchCommand,
  lifecycle: lifecycleCommand,
  plan: planCommand,
  series: seriesCommand,
  serve: serveCommand,
  synth: synthCommand,
  worker: workerCommand,
};

/**
 * A library error in the CLI's terms: the option field it names (`serviceLevel`, `asOf`) becomes
 * the flag that set it (`--service-level`, `--as-of`).
 * @example inFlagTerms(new InputError('plan: serviceLevel must be…', { field: 'serviceLevel' }))
 *   // 'plan: --service-level must be…'
 */
export function inFlagTerms(e: InputError): string {
  if (e.field === undefined) return e.message;
  const flag = `--${e.field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return e.message.replace(new RegExp(`(^|[\\s(:])${e.field}(?=[\\s:)]|$)`), `$1${flag}`);
}

/**
 * Runs the CLI with `argv` (without node and script); returns the exit code. One top-level catch.
 * @example const code = await main(['inspect', '--workspace', '.shopcast', '--json']);
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return help(io);
  if (command === '--version') {
    io.out('shopcast 0.1.0\n');
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    io.err(`shopcast: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  // each command's own help, with its options and defaults (before any option is checked)
  if (rest.includes('--help') || rest.includes('-h')) return help(io, command);
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`shopcast: ${inFlagTerms(e)}\n`);
      if (debug) io.err(`${e.stack}\n`);
      return 2;
    }
    if (e instanceof ShardError) {
      io.err(`shopcast: ${e.message}\n`);
      return e.cancelled ? 130 : 1;
    }
    io.err(`shopcast: internal error: ${(e as Error).message}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    else io.err('(run again with --debug for details)\n');
    return 1;
  }
}
