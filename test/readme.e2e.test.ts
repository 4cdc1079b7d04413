import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO } from './helpers.js';

/** The ```js blocks of the README's "Library" section, in order. */
function libraryExamples(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library\n');
  assert.ok(start >= 0, 'README has a Library section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('every example of the README Library section runs against the package by its name', async () => {
  const examples = libraryExamples();
  assert.ok(examples.length >= 4, `expected at least 4 examples, found ${examples.length}`);
  // inside the package folder, so that `import … from 'shopcast'` resolves to this package's exports
  const dir = join(REPO, 'dist', 'readme-examples');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cwd = process.cwd();
  const log = console.log;
  const table = console.table;
  try {
    process.chdir(REPO);
    for (const [k, code] of examples.entries()) {
      assert.match(code, /from 'shopcast(\/\w+)?'/, `example ${k + 1} imports the package by name`);
      assert.doesNotMatch(code, /from '\.\.?\//, `example ${k + 1} uses no relative import`);
      const file = join(dir, `example-${k + 1}.mjs`);
      writeFileSync(file, code);
      const printed: string[] = [];
      console.log = (...args: unknown[]) =>
        void printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      console.table = (rows: unknown) => void printed.push(JSON.stringify(rows));
      await import(pathToFileURL(file).href);
      console.log = log;
      console.table = table;
      assert.ok(printed.length > 0, `example ${k + 1} printed nothing`);
      assert.doesNotMatch(
        printed.join('\n'),
        /\bNaN\b|\bundefined\b/,
        `example ${k + 1} printed NaN or undefined:\n${printed.join('\n')}`,
      );
    }
  } finally {
    console.log = log;
    console.table = table;
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});
