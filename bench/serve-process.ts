/**
 * `shopcast serve` as a child process for the benchmarks (bench:serve, bench:dashboard): started with the given
 * arguments, its URL read from its "listening on" line, its stderr kept for the error message, and killed when the
 * bench exits for any reason (an error or Ctrl-C) so no server is left behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/**
 * The arguments of `shopcast serve` as the benches run it: the workspace on a free port, no rate limit to speak of,
 * the given log level and memory limit.
 */
export function benchServeArgs(o: {
  shopcast: string;
  workspace: string;
  logLevel: string;
  memoryLimit: string;
}): string[] {
  return [
    o.shopcast,
    'serve',
    '--workspace',
    o.workspace,
    '--port',
    '0',
    '--rate-limit',
    '100000000/min',
    '--log-level',
    o.logLevel,
    '--memory-limit',
    o.memoryLimit,
  ];
}

/** Starts `node <args>` (args[0]: bin/shopcast or a node flag) and resolves once it listens. */
export async function startServeProcess(
  bench: string,
  args: readonly string[],
): Promise<{ server: ChildProcess; url: string }> {
  const server: ChildProcess = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => server.exitCode === null && server.kill('SIGKILL'));
  process.on('SIGINT', () => process.exit(130));
  let serverErr = '';
  server.stderr!.on('data', (d: Buffer) => (serverErr = (serverErr + d.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    server.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m !== null) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`${bench}: the server exited (${code}): ${serverErr}`)));
  });
  server.stdout!.resume();
  return { server, url };
}
