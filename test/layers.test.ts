import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { REPO } from './helpers.js';

/** Lints `code` as if it were the file `path` of the repository; returns the rules that fired. */
async function rulesFired(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO });
  const [result] = await eslint.lintText(code, { filePath: join(REPO, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

test('the layer rule fails an upward import, a DuckDB import outside the store and a file read in the domain', async () => {
  const upward = await rulesFired(
    'src/numerics/probe.ts',
    "import { ingestFiles } from '../pipeline/ingest.js';\nexport const f = ingestFiles;\n",
  );
  assert.ok(
    upward.some((m) => m.startsWith('no-restricted-imports') && m.includes('higher layer')),
    upward.join('\n'),
  );
  const domainToStore = await rulesFired(
    'src/launch/probe.ts',
    "import { sql } from '../store/sql.js';\nexport const f = sql;\n",
  );
  assert.ok(
    domainToStore.some((m) => m.startsWith('no-restricted-imports')),
    domainToStore.join('\n'),
  );
  const domainToDomain = await rulesFired(
    'src/launch/probe.ts',
    "import { stageOf } from '../lifecycle/stage.js';\nexport const f = stageOf;\n",
  );
  assert.ok(
    domainToDomain.some((m) => m.startsWith('no-restricted-imports')),
    `domain folders stay independent: ${domainToDomain.join('\n')}`,
  );
  const storeToPipeline = await rulesFired(
    'src/store/probe.ts',
    "import { planWorkspace } from '../pipeline/plan.js';\nexport const f = planWorkspace;\n",
  );
  assert.ok(
    storeToPipeline.some((m) => m.startsWith('no-restricted-imports')),
    storeToPipeline.join('\n'),
  );
  const duck = await rulesFired(
    'src/pipeline/probe.ts',
    "import { DuckDBInstance } from '@duckdb/node-api';\nexport const f = DuckDBInstance;\n",
  );
  assert.ok(
    duck.some((m) => m.includes('only src/store/ speaks to DuckDB')),
    duck.join('\n'),
  );
  const fileRead = await rulesFired(
    'src/inventory/probe.ts',
    "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
  );
  assert.ok(
    fileRead.some((m) => m.includes('never files')),
    fileRead.join('\n'),
  );
});

test('the layer rule lets a folder import the layers below it', async () => {
  const down = await rulesFired(
    'src/pipeline/probe.ts',
    "import { sql } from '../store/sql.js';\nimport { eoq } from '../inventory/eoq.js';\nimport { mulberry32 } from '../numerics/random.js';\nexport const f = [sql, eoq, mulberry32];\n",
  );
  assert.deepEqual(
    down.filter((m) => m.startsWith('no-restricted-imports')),
    [],
  );
});

test('the dashboard (src/web) is browser code: it reaches the service only over HTTP', async () => {
  for (const [path, code] of [
    ['src/web/pages/probe.tsx', "import { skuDetail } from '../../pipeline/skus.js';\nexport const f = skuDetail;\n"],
    ['src/web/probe.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n"],
    ['src/web/probe.ts', "import Fastify from 'fastify';\nexport const f = Fastify;\n"],
  ] as const) {
    const fired = await rulesFired(path, code);
    assert.ok(
      fired.some((m) => m.includes('src/web/ is browser code')),
      `${path}: ${code}\n${fired.join('\n')}`,
    );
  }
  // its own modules and browser packages are allowed
  const own = await rulesFired('src/web/probe.ts', "import { api } from './api';\nexport const f = api;\n");
  assert.deepEqual(own, []);
});
