/** A real Debian redis-server for the distributed-mode tests, on a port of its own, stopped after the test. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

/** Debian's redis-server (apt-get install redis-server). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Starts redis-server without persistence on a free port and resolves with its URL once it accepts connections, or
 * undefined when Debian's redis-server is missing: the test is skipped then — or fails under CI=true, where .ci/run
 * installs it.
 */
export async function startRedis(t: TestContext): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  if (!existsSync(REDIS_SERVER)) {
    if (process.env['CI'] === 'true')
      assert.fail(`${REDIS_SERVER} is missing: CI must install Debian redis-server: apt-get install redis-server`);
    t.skip('install Debian redis-server (apt-get install redis-server) to test distributed mode');
    return undefined;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = spawn(REDIS_SERVER, ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await new Promise<boolean>((resolve) => {
      let text = '';
      p.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('Ready to accept connections')) resolve(true);
      });
      p.on('exit', () => resolve(false));
    });
    if (ready) return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(p) };
  }
  assert.fail('redis-server did not start on any of 5 ports');
}

/** SIGTERM, and resolves when the process has exited. */
export function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}
