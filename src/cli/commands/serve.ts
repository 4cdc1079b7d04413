import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../data/errors.js';
import { MIN_MEMORY_LIMIT_BYTES, memoryLimitBytes } from '../../store/defaults.js';
import { defaultIo, type Io, untilStopSignal } from '../io.js';
import { type OptionSpec, parse } from '../options.js';
import { help } from '../usage.js';

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** `--max-upload 1GB` → bytes (1 KB = 1024 B). */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(text.trim());
  const n = m === null ? NaN : Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase()]!);
  if (!Number.isFinite(n) || n < 1)
    throw new InputError(`serve: ${flag} must be a size such as 500MB or 1GB, got '${text}'`);
  return n;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** `--rate-limit 6000/min` (also /s, /h; a bare number is per minute) → max and window. */
export function parseRate(text: string): { max: number; windowMs: number } {
  const m = /^(\d+)\s*(?:\/\s*(s|sec|second|min|minute|h|hour))?$/i.exec(text.trim());
  const max = m === null ? NaN : Number(m[1]);
  if (m === null || !Number.isInteger(max) || max < 1)
    throw new InputError(`serve: --rate-limit must be requests per window such as 6000/min, got '${text}'`);
  const unit = (m[2] ?? 'min').toLowerCase();
  const windowMs = unit.startsWith('s') ? 1000 : unit.startsWith('h') ? 3_600_000 : 60_000;
  return { max, windowMs };
}

/**
 * `shopcast serve`: runs the HTTP service on the workspace until SIGTERM or SIGINT, then shuts down gracefully
 * (requests under way finish, jobs close, the writer's queue drains, DuckDB closes) and exits 0.
 * `--if-empty FILES…` ingests and plans the files first when the workspace has no data (as `npm run demo`);
 * `--new-key NAME` creates an admin key of that name once listening (earlier keys of that name revoked) and prints
 * it with the dashboard's URL, on stdout only: the server's log never holds it.
 */
export async function serveCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'cors-origin': { type: 'string', multiple: true },
      'rate-limit': { type: 'string', default: '6000/min' },
      'max-upload': { type: 'string', default: '1GB' },
      'log-level': { type: 'string', default: 'info' },
      quiet: { type: 'boolean', default: false },
      'if-empty': { type: 'boolean', default: false },
      'new-key': { type: 'string' },
      currency: { type: 'string', default: 'GBP' },
    } as OptionSpec,
    true,
  );
  if (values.help) return help(io, 'serve');
  const ifEmpty = values['if-empty'] === true;
  if (positionals.length > 0 && !ifEmpty)
    throw new InputError(`serve: unexpected argument '${positionals[0]}' (files go after --if-empty)`);
  if (ifEmpty && positionals.length === 0) throw new InputError('serve: --if-empty needs the files to ingest');
  const newKey = values['new-key'] as string | undefined;
  if (ifEmpty && !/^[A-Za-z]{3}$/.test(values.currency as string))
    throw new InputError(`serve: --currency must be an ISO 4217 code such as GBP, got '${String(values.currency)}'`);
  const port = Number(values.port);
  if (!/^\d+$/.test(String(values.port)) || port > 65535)
    throw new InputError(`serve: --port must be a whole number from 0 to 65535, got '${String(values.port)}'`);
  const level = values['log-level'] as string;
  if (!LOG_LEVELS.includes(level))
    throw new InputError(`serve: --log-level must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
  const memoryLimit = values['memory-limit'] as string;
  if (memoryLimitBytes(memoryLimit) === undefined)
    throw new InputError(
      `--memory-limit must be a size such as 300MB or 2GB, at least ${MIN_MEMORY_LIMIT_BYTES / 1e6}MB, ` +
        `got '${memoryLimit}'`,
    );
  const origins = (values['cors-origin'] as unknown as string[] | undefined) ?? [];
  const { createServer } = await import('../../server/create-server.js');
  const { duckDbFailure } = await import('../../store/workspace.js');
  const dir = values.workspace as string;
  if (ifEmpty) await fillIfEmpty(values, positionals, io);
  let server;
  try {
    server = await createServer({
      workspace: dir,
      host: values.host as string,
      port,
      corsOrigins: origins,
      rateLimit: parseRate(values['rate-limit'] as string),
      maxUploadBytes: parseSize(values['max-upload'] as string, '--max-upload'),
      logger: values.quiet ? false : { level },
      // DuckDB gets one core less than the machine has (at least one): the main thread keeps a core for requests
      workspaceOptions: { memoryLimit, threads: Math.max(1, availableParallelism() - 1) },
    });
  } catch (e) {
    if (duckDbFailure(e) === 'locked') throw new InputError(`${dir}: workspace is in use by another process`);
    throw e;
  }
  const url = await server.listen();
  // the signals are caught from here on: a Ctrl-C as soon as the URL or the key is printed stops it gracefully
  const stopped = untilStopSignal();
  io.out(`shopcast serve: listening on ${url} (workspace ${dir}); SIGTERM or Ctrl-C stops it\n`);
  if (newKey !== undefined) {
    const { prepareWorkspace } = await import('../../pipeline/dashboard.js');
    let made;
    try {
      made = await server.ctx.write((ws) => prepareWorkspace(ws, { files: [], out: '', newKey }));
    } catch (e) {
      await server.close();
      throw e;
    }
    const k = made.key!;
    const revoked =
      k.revoked.length === 0 ? '' : ` (earlier key${k.revoked.length === 1 ? '' : 's'} of that name revoked)`;
    // on stdout only, once: never through the server's logger
    io.out(
      `Dashboard: ${url}/\nAdmin key '${k.info.name}' (${k.info.key_id})${revoked}; ` +
        `paste it on the login page, it is shown only now:\n${k.token}\n`,
    );
  }
  await stopped;
  io.err('shopcast serve: stopping (finishing requests under way)\n');
  await server.close();
  io.err('shopcast serve: stopped\n');
  return 0;
}

/** `--if-empty`: ingests and plans the files when the workspace holds none (as `npm run demo`, currency kept). */
async function fillIfEmpty(values: Record<string, unknown>, files: readonly string[], io: Io): Promise<void> {
  const { withCreatedWorkspace } = await import('../workspace.js');
  const { prepareWorkspace } = await import('../../pipeline/dashboard.js');
  const dir = values['workspace'] as string;
  io.err(`shopcast serve: --if-empty: ${dir} is filled from ${files.length} file(s) if it holds no data\n`);
  const r = await withCreatedWorkspace(values as Parameters<typeof withCreatedWorkspace>[0], (ws) =>
    prepareWorkspace(ws, {
      files,
      currency: values['currency'] as string,
      out: join(dir, 'plan'),
      now: new Date(),
    }),
  );
  if (r.plan === null) io.err(`shopcast serve: ${dir} already holds data; --if-empty files not ingested\n`);
  else
    io.err(
      `shopcast serve: ${dir} was empty: ingested ${files.length} file${files.length === 1 ? '' : 's'} and planned ` +
        `${r.plan.skus} SKUs as of ${r.plan.as_of} (${r.plan.skus_to_order} to order; report ${r.plan.out.report})\n`,
    );
}
