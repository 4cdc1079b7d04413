#!/usr/bin/env node
// Runs the compiled tests with `node --test` (Node 20 does not expand globs itself).
//   node scripts/run-tests.mjs unit  — dist/test/**/*.test.js except *.e2e.test.js: no processes spawned, no Chromium, no whole sample shop
//   node scripts/run-tests.mjs e2e   — only dist/test/**/*.e2e.test.js (processes, Chromium, the whole sample shop)
//   node scripts/run-tests.mjs all   — every dist/test/**/*.test.js (unit and end to end)
// Further arguments go to node --test (e.g. --test-reporter=spec, --test-name-pattern=…). Tests run with TZ=UTC.
// Files run as many at a time as there are cores (node --test's own default leaves one core idle,
// i.e. one file at a time on 2 cores, where start-up and I/O leave the CPU half used); the
// end-to-end files, the longest, start first so that the short ones fill in around them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [which, ...rest] = process.argv.slice(2);
const KINDS = {
  unit: (f) => !f.endsWith('.e2e.test.js'),
  e2e: (f) => f.endsWith('.e2e.test.js'),
  all: () => true,
};
if (!Object.hasOwn(KINDS, which ?? '')) {
  console.error('usage: node scripts/run-tests.mjs unit|e2e|all [node --test options…]');
  process.exit(2);
}
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'test');
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js') && KINDS[which](f))
  .sort((a, b) => Number(KINDS.e2e(b)) - Number(KINDS.e2e(a)) || (a < b ? -1 : a > b ? 1 : 0))
  .map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`no ${which} test files in ${dir}: run npm run build first`);
  process.exit(1);
}
const concurrency = rest.some((a) => a.startsWith('--test-concurrency'))
  ? []
  : [`--test-concurrency=${availableParallelism()}`];
const r = spawnSync(process.execPath, ['--test', ...concurrency, ...rest, ...files], {
  stdio: 'inherit',
  env: { ...process.env, TZ: 'UTC' },
});
process.exitCode = r.status ?? 1;
