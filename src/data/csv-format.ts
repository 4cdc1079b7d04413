/**
 * Writing CSV: one quoting rule (RFC 4180) for every file shopcast writes, and formula
 * neutralisation for the files a merchant opens in a spreadsheet (OWASP "CSV injection"): a text
 * cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so that it is
 * shown as text and never run as a formula.
 */

/**
 * Quotes a text value when it holds a quote, comma or line break (RFC 4180).
 * @example csvQuote('a "b", c') // '"a ""b"", c"'
 */
export function csvQuote(t: string): string {
  return t.indexOf('"') >= 0 || t.indexOf(',') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0
    ? `"${t.replaceAll('"', '""')}"`
    : t;
}

/**
 * A text cell of an exported file: formula-like text neutralised, then quoted.
 * @example exportText('=HYPERLINK("x")') // '"\'=HYPERLINK(""x"")"'
 */
export function exportText(t: string): string {
  return csvQuote(/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);
}

/**
 * One cell of an exported file: null empty, numbers and booleans as they print, text by `exportText`.
 * @example [csvField('A, B'), csvField(2.5), csvField(null)].join(',') // '"A, B",2.5,'
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  return typeof v === 'string' ? exportText(v) : String(v);
}
