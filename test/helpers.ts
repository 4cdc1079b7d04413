import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Io, main } from '../src/cli/main.js';
import type { Workspace } from '../src/store/workspace.js';

/** The repository root (tests run from dist/test). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE = join(REPO, 'data/sample-shop/order-lines.csv.gz');
export const BIN = join(REPO, 'bin/shopcast');

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'shopcast-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeText(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `fn` with a new workspace in a temporary folder. */
export async function withWorkspace<T>(fn: (ws: Workspace, dir: string) => Promise<T>): Promise<T> {
  // DuckDB is loaded only by the test files that use a workspace.
  const { Workspace } = await import('../src/store/workspace.js');
  const { dir, cleanup } = tempDir();
  const ws = await Workspace.open(join(dir, 'ws'), { threads: 2 });
  try {
    return await fn(ws, dir);
  } finally {
    ws.close();
    cleanup();
  }
}

/** Poisson random numbers (Knuth's method, fine for small means) from a uniform source. */
export function poissonSource(uniform: () => number): (mu: number) => number {
  return (mu) => {
    const l = Math.exp(-mu);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= uniform();
    } while (p > l);
    return k - 1;
  };
}

/** ISO date `days` after 2024-01-01 (a Monday). */
export function day(days: number): string {
  const d = new Date(Date.UTC(2024, 0, 1 + days));
  return d.toISOString().slice(0, 10);
}

/**
 * Runs the CLI in-process (`main` with a capturing `Io`, no terminal: no progress bar), returning
 * its exit code and output as `shopcast` does for the process. Tests run under TZ=UTC.
 */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await main(args, io);
  return { code, out, err };
}

/** Runs bin/shopcast as a process (UTC), returning its exit code and output: for end-to-end tests (`*.e2e.test.ts`). */
export function shopcast(args: string[], cwd?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A fixture of series as `id,values` lines with space-separated values; NaN (not observed) dropped. */
export function readFixtureSeries(file: string): Map<string, Float64Array> {
  return new Map(
    readFileSync(join(REPO, file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const [id, values] = l.split(',');
        return [
          id!,
          Float64Array.from(
            values!
              .split(' ')
              .map(Number)
              .filter((v) => !Number.isNaN(v)),
          ),
        ] as const;
      }),
  );
}

/** Every actual value within a relative error `rel` of R's. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = Math.abs(actual[i]! - e) / Math.max(1e-12, Math.abs(e));
    assert.ok(d <= rel, `${what}[${i}]: ${actual[i]} vs R ${e} (relative error ${d.toExponential(2)} > ${rel})`);
  }
}
