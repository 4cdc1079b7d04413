#!/usr/bin/env node
// No line of src/ longer than 120 characters (Prettier wraps code at 120 but leaves long strings
// and comments alone; this check covers them). Counts characters, not bytes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 120;
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'src');
const long = [];
for (const f of readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))) {
  readFileSync(join(root, f), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const n = [...line].length;
      if (n > LIMIT) long.push(`src/${f}:${i + 1}: ${n} characters`);
    });
}
if (long.length > 0) {
  console.error(`${long.length} lines of src/ are longer than ${LIMIT} characters:\n${long.join('\n')}`);
  process.exit(1);
}
