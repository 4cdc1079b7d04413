/**
 * Runs the shopcast CLI as a whole process and measures it: wall time and peak memory (the process's maximum
 * resident set size, from GNU time `/usr/bin/time -f %M` (Debian package `time`) when present, else sampled from
 * /proc/PID/status VmHWM every 10 ms). Its stdout is parsed as JSON (the command's --json answer).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const gnuTime = existsSync('/usr/bin/time');

/** How peak memory is measured on this machine. */
export const MEMORY_FROM = gnuTime ? 'GNU time %M (max RSS)' : '/proc VmHWM sampled every 10 ms';

export interface CliRun {
  seconds: number;
  peakMB: number;
  report: Record<string, unknown>;
}

/**
 * `bin/shopcast ...args` in a child process; rejects when it exits other than 0 (its stderr is passed through).
 * @example const r = await runCli(['ingest', file, '--workspace', ws, '--json']); r.peakMB;
 */
export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const memFile = join(tmpdir(), `shopcast-bench-mem-${process.pid}`);
    const cmd = gnuTime ? '/usr/bin/time' : process.execPath;
    const argv = gnuTime
      ? ['-f', '%M', '-o', memFile, process.execPath, join(repo, 'bin/shopcast'), ...args]
      : [join(repo, 'bin/shopcast'), ...args];
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sampledKB = 0;
    const timer = gnuTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) sampledKB = Math.max(sampledKB, Number(m[1]));
          } catch {
            /* the process has ended */
          }
        }, 10);
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (timer) clearInterval(timer);
      if (code !== 0) return reject(new Error(`shopcast ${args[0]} exited with ${code}`));
      const kb = gnuTime ? Number(readFileSync(memFile, 'utf8').trim().split('\n').at(-1)) : sampledKB;
      resolve({ seconds, peakMB: kb / 1024, report: JSON.parse(out) as Record<string, unknown> });
    });
  });
}
