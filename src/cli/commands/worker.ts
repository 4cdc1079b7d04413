import { InputError } from '../../data/errors.js';
import { defaultIo, type Io, untilStopSignal } from '../io.js';
import { parse, wholeNumber } from '../options.js';
import { help } from '../usage.js';

/**
 * `shopcast worker --redis URL`: takes shards of `plan --redis` until SIGTERM or SIGINT, then finishes the shards it
 * holds and exits.
 */
export async function workerCommand(args: string[], io: Io = defaultIo): Promise<number> {
  const { values } = parse(args, {
    redis: { type: 'string' },
    concurrency: { type: 'string' },
    'stall-seconds': { type: 'string' },
  });
  if (values.help) return help(io, 'worker');
  if (values.redis === undefined)
    throw new InputError('worker: --redis URL is required (the Redis server plan --redis uses)');
  const concurrency = wholeNumber(values, 'concurrency', 'worker');
  const stallSeconds = wholeNumber(values, 'stall-seconds', 'worker');
  const { startShardWorker } = await import('../../worker/shard-worker.js');
  const { redactUrl } = await import('../../worker/connection.js');
  const w = await startShardWorker({
    url: values.redis as string,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(stallSeconds === undefined ? {} : { stallSeconds }),
    onShard: (e) =>
      io.err(
        `${new Date().toISOString()} ${e.kind} shard ${e.index + 1}/${e.shards} ` +
          `${e.event}${e.error === undefined ? '' : `: ${e.error}`}\n`,
      ),
  });
  io.out(`shopcast worker ${w.name}: taking shards from ${redactUrl(values.redis as string)}; Ctrl-C stops it\n`);
  await untilStopSignal();
  await w.close();
  return 0;
}
