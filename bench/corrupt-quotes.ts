/**
 * Corrupted-quote benchmark (issue #18, item 13): a copy of the full Online Retail file in which the
 * closing quote of 20 % of the quoted fields is removed (seeded, so the copy is the same every
 * run), read by the ingest's staging (data/stage-file.ts: the reader and the row checks, no
 * workspace). Reports the good rows of the clean file, what became of every line of the damaged
 * copy (loaded, rejected, blank, continuation) against its physical line count, and the good rows
 * lost: undamaged lines of the clean file's good rows that the damaged copy did not load (must be 0).
 *   npm run bench:corrupt-quotes [-- --share 0.2] [-- --seed 18] [-- --stray 0.001] [-- --file PATH] [-- --write-copy PATH]
 * --stray P also ends the description of a share P of the unquoted lines with a stray quote (an inch
 * mark, `SIGN 12"`: the line itself is then rejected, and a lost quote before it could close on it).
 * --write-copy keeps the damaged copy, e.g. to ingest it with another version.
 * Reads ../shared/data/online-retail/transactions.csv.gz and says so when it is absent (exit 0).
 * Exit code 1 when a good row is lost or the lines do not add up.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { type StagedFile, stageCsvFile } from '../src/data/stage-file.js';
import { mulberry32 } from '../src/numerics/random.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    file: { type: 'string', default: join(repo, '../shared/data/online-retail/transactions.csv.gz') },
    share: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '18' },
    stray: { type: 'string', default: '0.001' },
    'write-copy': { type: 'string' },
  },
});
const file = values.file!;
if (!existsSync(file)) {
  console.log(
    `bench:corrupt-quotes: ${file} is absent (the shared data sets are not on this machine); nothing measured.`,
  );
  process.exit(0);
}
const share = Number(values.share);
const stray = Number(values.stray);
const random = mulberry32(Number(values.seed));

/** Removes the closing quote of each quoted field with probability `share`; true when the line changed. */
function damage(line: string): { text: string; damaged: boolean } {
  let out = '';
  let damaged = false;
  let i = 0;
  while (i <= line.length) {
    // one field from i: quoted when it starts with a quote
    if (line[i] === '"') {
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return { text: out + line.slice(i), damaged }; // already unterminated: left alone
        if (line[q + 1] === '"') {
          j = q + 2;
          continue;
        }
        if (random() < share) {
          out += line.slice(i, q) + line.slice(q + 1, q + 2);
          damaged = true;
        } else out += line.slice(i, q + 2);
        i = q + 2;
        break;
      }
      if (i > line.length) break;
      continue;
    }
    const next = line.indexOf(',', i);
    if (next < 0) {
      out += line.slice(i);
      break;
    }
    out += line.slice(i, next + 1);
    i = next + 1;
  }
  return { text: out, damaged };
}

const clean = gunzipSync(readFileSync(file)).toString('utf8');
const cleanLines = clean.split('\n');
if (cleanLines.at(-1) === '') cleanLines.pop();
const damagedLines = new Set<number>();
let quotedLines = 0;
const copy = cleanLines.map((l, k) => {
  if (k === 0) return l;
  if (l.indexOf('"') < 0) {
    if (stray === 0 || random() >= stray) return l;
    damagedLines.add(k + 1);
    const f = l.split(',');
    f[2] += '"';
    return f.join(',');
  }
  quotedLines++;
  const d = damage(l);
  if (d.damaged) damagedLines.add(k + 1);
  return d.text;
});

const dir = mkdtempSync(join(tmpdir(), 'shopcast-corrupt-quotes-'));
try {
  const damagedPath = join(dir, 'damaged.csv');
  writeFileSync(damagedPath, copy.join('\n') + '\n');
  if (values['write-copy'] !== undefined) writeFileSync(values['write-copy'], copy.join('\n') + '\n');
  const physical = copy.length;

  const stage = async (
    path: string,
    prefix: string,
  ): Promise<{ s: StagedFile; seconds: number; loaded: Set<number> }> => {
    const t0 = process.hrtime.bigint();
    const s = await stageCsvFile(path, join(dir, prefix), { now: new Date('2026-01-01T00:00:00Z') });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const loaded = new Set<number>();
    const good = readFileSync(s.goodPath, 'utf8').split('\n');
    // staged rows start with their line number; a quoted description may continue on the next lines
    for (const row of good.slice(1)) {
      const m = /^(\d+),/.exec(row);
      if (m !== null) loaded.add(Number(m[1]));
    }
    return { s, seconds, loaded };
  };
  const c = await stage(file, 'clean');
  const d = await stage(damagedPath, 'damaged');
  let lost = 0;
  const lostLines: number[] = [];
  for (const line of c.loaded)
    if (!damagedLines.has(line) && !d.loaded.has(line)) {
      lost++;
      if (lostLines.length < 10) lostLines.push(line);
    }
  const accounted = 1 + d.s.rowsLoaded + d.s.rowsRejected + d.s.blankLines + d.s.continuationLines;
  const result = {
    file,
    seed: Number(values.seed),
    share_of_quoted_fields_damaged: share,
    share_of_unquoted_lines_with_a_stray_quote: stray,
    physical_lines: physical,
    lines_with_quotes: quotedLines,
    lines_damaged: damagedLines.size,
    clean: { good_rows: c.s.rowsLoaded, rejected: c.s.rowsRejected, staging_seconds: Number(c.seconds.toFixed(2)) },
    damaged: {
      loaded: d.s.rowsLoaded,
      rejected: d.s.rowsRejected,
      blank: d.s.blankLines,
      continuation: d.s.continuationLines,
      lines_read: d.s.physicalLines,
      lines_accounted: accounted,
      staging_seconds: Number(d.seconds.toFixed(2)),
    },
    good_rows_lost: lost,
    ...(lostLines.length > 0 ? { first_lost_lines: lostLines } : {}),
  };
  console.log(JSON.stringify(result, null, 2));
  const ok = lost === 0 && accounted === physical && d.s.physicalLines === physical;
  console.log(
    `\n${physical} lines = 1 header + ${d.s.rowsLoaded} loaded + ${d.s.rowsRejected} rejected + ${d.s.blankLines} blank + ` +
      `${d.s.continuationLines} continuation${accounted === physical ? '' : ` (accounted ${accounted}: MISMATCH)`}; ` +
      `good rows lost: ${lost}${ok ? '' : ' — FAILED'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
