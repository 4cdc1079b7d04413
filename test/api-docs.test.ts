import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { REPO } from './helpers.js';

/** The package's entry points (package.json "exports"). */
const ENTRIES = [
  'src/index.ts',
  'src/models/index.ts',
  'src/inventory/index.ts',
  'src/metrics.ts',
  'src/server/index.ts',
  'src/worker/index.ts',
];

/**
 * Every export of the public API: functions, classes and values need a JSDoc comment with an
 * `@example`; interfaces and types a JSDoc comment (CONVENTIONS.md §18).
 */
function undocumentedExports(): string[] {
  const files = ENTRIES.map((f) => join(REPO, f));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    assert.ok(source, file);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    assert.ok(moduleSymbol, `${file} is a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.[0];
      if (decl === undefined) continue;
      const where = `${exported.getName()} (${decl.getSourceFile().fileName.replace(REPO, '')})`;
      const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
      const docs = ts.getJSDocCommentsAndTags(node);
      const isValue = ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl) || ts.isVariableDeclaration(decl);
      if (docs.length === 0) missing.add(`${where}: no JSDoc`);
      else if (isValue && !ts.getJSDocTags(node).some((t) => t.tagName.text === 'example'))
        missing.add(`${where}: no @example`);
    }
  }
  return [...missing].sort();
}

test('every export of the public API has JSDoc, and every function, class and value an example', () => {
  const missing = undocumentedExports();
  assert.deepEqual(missing, [], `${missing.length} exports lack documentation:\n${missing.join('\n')}`);
});
