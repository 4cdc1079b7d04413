/**
 * SQL by construction: statements are written as `sql` tagged templates, whose interpolated values
 * travel as bound parameters (`$1`, `$2`, …), never as text. Identifiers (table, column and schema names)
 * cannot be bound, so they go through `ident`, which accepts only plain names; fragments compose
 * (`sql` inside `sql`) with their parameters kept in order.
 *
 * @example
 * const q = sql`SELECT units FROM daily_demand WHERE sku = ${sku} AND date <= ${asOf}::DATE`;
 * // toDuckDb(q): 'SELECT units FROM daily_demand WHERE sku = $1 AND date <= $2::DATE', q.values: [sku, asOf]
 */
import type { DuckDBValue } from '@duckdb/node-api';

/**
 * Where a bound value goes in `Sql.text`: a character SQL text never holds. `toDuckDb` numbers the
 * marks `$1, $2, …` in order, so that DuckDB binds each value to its place even where it numbers
 * plain `?` in another order (COPY (query) TO ?).
 */
export const PARAM = '\u0000';

/** A statement (or fragment) and its bound values, in placeholder order. */
export interface Sql {
  readonly text: string;
  readonly values: readonly DuckDBValue[];
}

/** Text spliced into a statement as it is: only from `ident` and `raw` below, never from user input. */
class Trusted {
  constructor(readonly text: string) {}
}

/** What a `sql` template may interpolate: a value (bound), a fragment (composed) or a trusted name. */
export type SqlPart = DuckDBValue | Sql | Trusted;

function isSql(x: unknown): x is Sql {
  return typeof x === 'object' && x !== null && 'text' in x && 'values' in x && !(x instanceof Trusted);
}

/**
 * Builds a statement whose interpolations are bound parameters (see the module comment): a value
 * becomes a placeholder, an `ident` is spliced as text, a nested `sql` fragment brings its values.
 * @example
 * const q = sql`SELECT units FROM ${ident('daily_demand')} WHERE sku = ${'85123A'}`;
 * // toDuckDb(q) → 'SELECT units FROM daily_demand WHERE sku = $1', q.values → ['85123A']
 */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): Sql {
  let text = strings[0] ?? '';
  const values: DuckDBValue[] = [];
  parts.forEach((p, i) => {
    if (p instanceof Trusted) text += p.text;
    else if (isSql(p)) {
      text += p.text;
      values.push(...p.values);
    } else {
      text += PARAM;
      values.push(p);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, values };
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A table, column or schema name, spliced as text: only plain names (letters, digits, `_`, not
 * starting with a digit) pass; anything else throws, since names cannot be bound parameters.
 * @example
 * sql`SELECT * FROM ${ident('stage_0')}`;  // FROM stage_0
 * ident('x; DROP TABLE y');                  // throws "ident: 'x; DROP TABLE y' is not a plain SQL name"
 */
export function ident(name: string): Trusted {
  if (!PLAIN_NAME.test(name)) throw new Error(`ident: '${name}' is not a plain SQL name`);
  return new Trusted(name);
}

/**
 * Joins fragments with a separator (`, ` by default), keeping their values in order; an empty list
 * gives an empty fragment.
 * @example
 * const where = joinSql([sql`sku = ${'A'}`, sql`units > ${0}`], ' AND ');
 * // toDuckDb(where) → 'sku = $1 AND units > $2', where.values → ['A', 0]
 */
export function joinSql(parts: readonly Sql[], separator = ', '): Sql {
  return {
    text: parts.map((p) => p.text).join(separator),
    values: parts.flatMap((p) => p.values),
  };
}

/** The statement as DuckDB takes it: each mark numbered `$1, $2, …` in order of its value. */
export function toDuckDb(q: Sql): string {
  let k = 0;
  return q.text.replaceAll(PARAM, () => `$${++k}`);
}

/** A fragment of constant SQL text written in this code base (not from input): e.g. a shared expression. */
export function raw(text: string): Sql {
  return { text, values: [] };
}

/**
 * Codes (SKUs, customer ids) as rows of one column, from a single bound value: `unnest(...)` to put in a SELECT
 * list. Codes cannot hold control characters (data/normalise-row.ts), so U+001F separates them safely.
 * @example sql`SELECT sku FROM catalog WHERE sku IN (SELECT ${codeRows(['A', 'B'])})`
 */
export function codeRows(codes: readonly string[]): Sql {
  return sql`unnest(string_split(${codes.join('\u001f')}, chr(31)))`;
}
