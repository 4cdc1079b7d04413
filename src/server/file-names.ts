/**
 * A client's file name reduced to a safe base name: never used as a path as given. Directories (either slash) are
 * stripped, NUL and control characters removed, anything but letters, digits, `.`, `-`, `_` and spaces replaced by
 * `_`, leading dots removed (no `..`, no hidden files), at most 120 characters; nothing left gives `upload`.
 * @example safeFileName('../../etc/passwd') // 'passwd'
 * @example safeFileName('..\\..\\orders 2024.csv.gz') // 'orders 2024.csv.gz'
 */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').replace(/\\/g, '/').split('/').pop() ?? '';
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(-120);
  return clean === '' ? 'upload' : clean;
}

/** `name`, or `name` with a counter before its extension when `taken` already has it; adds the result to `taken`. */
export function uniqueName(name: string, taken: Set<string>): string {
  let out = name;
  for (let k = 2; taken.has(out); k++) {
    const dot = name.indexOf('.');
    out = dot > 0 ? `${name.slice(0, dot)}-${k}${name.slice(dot)}` : `${name}-${k}`;
  }
  taken.add(out);
  return out;
}
