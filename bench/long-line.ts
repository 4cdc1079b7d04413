/**
 * Long-line benchmark (issue #18, item 13): how long `shopcast ingest` takes on an order-line file
 * whose middle line is N MB long (over the 1,000,000-byte line limit), and whether that line is
 * rejected with its line number while the rows around it load.
 *   npm run bench:long-line [-- --sizes 20,40,200] [-- --timeout 900]
 * Each file is written to a temporary folder (a good row, the long line, a good row) and ingested
 * by the CLI as a whole process into a fresh workspace; a run over --timeout seconds is stopped
 * and reported as such.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '5,20,40' }, timeout: { type: 'string', default: '900' } },
});
const sizes = values.sizes!.split(',').map(Number);
const timeout = Number(values.timeout);

function writeFile(path: string, mb: number): void {
  const fd = openSync(path, 'w');
  writeSync(
    fd,
    'order_id,ordered_at,sku,quantity,unit_price,description\n1,2024-01-01,A,1,1,first\n2,2024-01-02,A,1,1,',
  );
  const block = 'x'.repeat(1 << 20);
  for (let i = 0; i < mb; i++) writeSync(fd, block);
  writeSync(fd, '\n3,2024-01-03,A,1,1,last\n');
  closeSync(fd);
}

function ingest(file: string, ws: string): Promise<{ seconds: number; code: number | null; out: string }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(repo, 'bin/shopcast'), 'ingest', file, '--workspace', ws, '--json'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, code, out });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'shopcast-long-line-'));
try {
  for (const mb of sizes) {
    const file = join(dir, `long-${mb}.csv`);
    writeFile(file, mb);
    const r = await ingest(file, join(dir, `ws-${mb}`));
    rmSync(file);
    rmSync(join(dir, `ws-${mb}`), { recursive: true, force: true });
    if (r.code === null) {
      console.log(`${mb} MB line: stopped after ${timeout} s`);
      continue;
    }
    let summary = `exit ${r.code}`;
    try {
      const rep = JSON.parse(r.out) as { rows_loaded: number; rows_rejected: number };
      summary = `loaded ${rep.rows_loaded}, rejected ${rep.rows_rejected}`;
    } catch {
      /* not a report: keep the exit code */
    }
    console.log(`${mb} MB line: ${r.seconds.toFixed(2)} s (${summary})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
