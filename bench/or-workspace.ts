/**
 * The Online Retail workspace a benchmark reads: the one given with --workspace, or a fresh
 * temporary one the full file is ingested into (removed by `cleanup`). Exits with a message when
 * neither the workspace nor ../shared/data's file is there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const ONLINE_RETAIL = join(repo, '../shared/data/online-retail/transactions.csv.gz');

export function onlineRetailWorkspace(bench: string, given: string | undefined): { dir: string; cleanup: () => void } {
  if (given !== undefined) return { dir: given, cleanup: () => {} };
  if (!existsSync(ONLINE_RETAIL)) {
    console.log(`${bench}: ${ONLINE_RETAIL} is absent; nothing measured`);
    process.exit(0);
  }
  const dir = mkdtempSync(join(tmpdir(), `shopcast-${bench.replace(/^bench:/, '')}-`));
  const r = spawnSync(
    process.execPath,
    [join(repo, 'bin/shopcast'), 'ingest', ONLINE_RETAIL, '--workspace', dir, '--json'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ingest: ${r.stderr}`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
