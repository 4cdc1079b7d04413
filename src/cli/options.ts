/** Option parsing shared by the CLI's commands: the common options, and checked numbers and frequencies. */
import { parseArgs } from 'node:util';
import { InputError } from '../data/errors.js';
import { FREQS, type Freq } from '../numerics/calendar.js';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_WORKSPACE } from '../store/defaults.js';

/** Options every command takes. */
const COMMON = {
  workspace: { type: 'string', default: DEFAULT_WORKSPACE },
  'memory-limit': { type: 'string', default: DEFAULT_MEMORY_LIMIT },
  json: { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * A negative number given as an option's value (`--service-level -1`) joined to its option
 * (`--service-level=-1`): Node's parser would refuse it as "ambiguous", while the command's own check
 * says what the range is.
 */
export function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const spec = a.startsWith('--') ? options[a.slice(2)] : undefined;
    if (spec?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses a command's arguments with the common options added; a bad option is an `InputError`. */
export function parse(args: string[], options: OptionSpec, positionals = false): Parsed {
  try {
    const all = { ...COMMON, ...options };
    const r = parseArgs({
      args: joinNegativeValues(args, all),
      options: all,
      allowPositionals: positionals,
      strict: true,
    });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new InputError(`${(e as Error).message.split('\n')[0]} (shopcast <command> --help lists the options)`);
  }
}

/** Options shared by the commands that read series (forecast, backtest). */
export const SERIES_OPTIONS: OptionSpec = {
  series: { type: 'string' },
  freq: { type: 'string' },
  horizon: { type: 'string' },
  'season-length': { type: 'string' },
  'as-of': { type: 'string' },
  threads: { type: 'string' },
};

/** --freq: required with --series; the workspace's daily demand defaults to day. */
export function seriesFreq(values: Parsed['values'], command: string): Freq {
  const freq = (values['freq'] as string | undefined) ?? (values['series'] === undefined ? 'day' : undefined);
  if (freq === undefined || !FREQS.includes(freq as Freq))
    throw new InputError(`${command}: --freq must be one of ${FREQS.join(', ')}`);
  return freq as Freq;
}

/** A whole-number option ≥ 1, or undefined when absent. */
export function wholeNumber(values: Parsed['values'], name: string, command: string): number | undefined {
  const v = values[name] as string | undefined;
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`${command}: --${name} must be a whole number ≥ 1, got '${v}'`);
  return n;
}

/** A finite number option, or undefined when absent. */
export function numberOption(values: Parsed['values'], name: string, command: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n))
    throw new InputError(`${command}: --${name} must be a number, got '${String(v)}'`);
  return n;
}
