import { type CleaningConfig, DEFAULT_CLEANING, mergeCleaningConfig } from '../data/cleaning-config.js';
import { anchorText, detectClosedDays, weekdayOf } from '../engine/closed-calendar.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { type Sql, codeRows, ident, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/**
 * The cleaning step: rebuilds every derived table from the raw rows, so that the result depends
 * only on what was ingested and the cleaning settings, never on the order of ingests.
 *
 * order_lines.status — the first rule that applies to a line, in this order:
 *   non_product        SKU is postage, a fee, an adjustment… (kept, not demand)
 *   duplicate          an identical line was already seen (the first copy counts)
 *   cancelled          a platform export says the line's order was cancelled or voided (`order_status`)
 *   cancellation       the order id is marked cancelled
 *   return             negative quantity on an ordinary order
 *   zero_quantity      quantity 0
 *   bad_price          unit price zero or negative
 *   cancelled_original a sale that a later cancellation of the same customer, SKU and quantity undid
 *   sale               demand; `outlier` lines are capped in `demand_quantity`, the raw quantity kept
 * daily_sales.status — duplicate, superseded (an earlier value for the same SKU and day), overlap
 * (the SKU also has order lines, which give its demand), return (negative units) or sale.
 */
export async function rebuildCleanTables(
  ws: Workspace,
  config: CleaningConfig,
  onStep: (label: string, fraction: number) => void = () => {},
  o: { linesPerPart?: number } = {},
): Promise<void> {
  onStep('cleaning order lines', 0);
  await buildBundleParts(ws);
  const parts = await skuParts(ws, o.linesPerPart ?? LINES_PER_PART);
  // each phase's share of the progress, moved on part by part
  const phase = async (label: string, from: number, to: number, build: (part: SkuRange) => Promise<unknown>) => {
    for (const [k, part] of parts.entries()) {
      onStep(label, from + ((to - from) * k) / parts.length);
      await build(part);
    }
  };
  await phase('cleaning order lines', 0, 0.4, (part) => buildOrderLines(ws, config, part));
  onStep('cleaning daily sales', 0.4);
  await buildDailySales(ws, ALL);
  await buildClosedDays(ws, config);
  await phase('building daily demand', 0.5, 0.9, (part) => buildDailyDemand(ws, config, part));
  await phase('building the catalog', 0.9, 1, (part) => buildCatalog(ws, part));
  await ws.run('DROP TABLE bundle_parts');
  await ws.run(`INSERT OR REPLACE INTO meta VALUES ('clean_state', 'fresh')`);
  await ws.run(sql`INSERT OR REPLACE INTO meta SELECT ${CLEAN_MARK}, coalesce(max(file_id), 0)::VARCHAR FROM files`);
}

/**
 * Raw order lines per part of a whole rebuild (`skuParts`). A part's windows, sorts and joins then stay within DuckDB's
 * memory; over a whole shop they spill: the 100,000-SKU shop's 29 million lines cleaned in 286 s in one part, 186 s in
 * parts of 3 million lines and 169 s in parts of 1.5 million (bench/RESULTS.md, issue #22). Each part scans the raw
 * lines once, so smaller parts cost more scans: 1.5 million was the best of those tried at DuckDB's 2 GB and 300 MB.
 */
const LINES_PER_PART = 1_500_000;

/**
 * The parts a whole rebuild goes through: ranges of SKU codes in DuckDB's order, each holding about `linesPerPart` raw
 * order lines or fewer (a SKU is never split; one part when the shop has no more lines than that), the first open
 * below and the last above, so that every SKU of every raw table is in exactly one. Every rule but the shop-wide ones
 * (closed days, the last day, built between the parts) works within one SKU, so the parts give the tables one rebuild
 * gives; daily_demand comes out in (sku, date) order, the parts being built in the order of their codes.
 */
export async function skuParts(ws: Workspace, linesPerPart: number): Promise<SkuRange[]> {
  const counts = await ws.all<{ sku: string; n: number }>(
    'SELECT sku, count(*)::INTEGER AS n FROM raw_order_lines GROUP BY sku ORDER BY sku',
  );
  const starts: string[] = [];
  let lines = 0;
  for (const c of counts) {
    if (lines > 0 && lines + c.n > linesPerPart) {
      starts.push(c.sku);
      lines = 0;
    }
    lines += c.n;
  }
  const bounds = [null, ...starts, null];
  return bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1]!, first: i === 0 }));
}

/** How `rebuildCleanTablesForSkus` rebuilt the derived tables. */
export type CleanExtent = 'scoped' | 'full';

/**
 * Rebuilds the derived tables for the SKUs given only (an order batch's), so that they come out as a full rebuild
 * (`rebuildCleanTables`) would make them: every builder runs the same query text as the full rebuild with a filter
 * on the SKU injected (`SkuScope`), and the SKUs' rows that differ from it are replaced (`writeRows`); no rule has a
 * second copy.
 * Every rule works within one SKU: duplicates (the row key holds the SKU), cancellations (matched per customer, SKU
 * and quantity), returns, non-product lines, outlier caps (per SKU), stock-outs, the catalog; a line's `rid` is a
 * function of the line alone (RID). The exceptions are shop-wide inputs: the closed days (always recomputed whole:
 * they are few) and the last day of each data source. When the closed days or a last day changed, every SKU's daily
 * demand may change (its grid extends, a day closes), so daily_demand is rebuilt whole: 'full'; else 'scoped'.
 * Runs in one transaction that also sets `meta.clean_state` 'fresh': readers on another connection see the tables
 * before or after, never half-rebuilt. The caller sets 'stale' with the raw rows; if the process dies before this
 * commits, the state stays 'stale' and the next `ensureCleanTables` (at every start-up) rebuilds everything.
 * A SKU whose new rows are order lines of the last day (a live shop's batches of today) is rebuilt from that day on
 * only, its earlier rows kept as stored while they stay exactly what a full rebuild makes them (`chooseTails` says
 * when; the rules' statistics count the stored rows: the same queries, not a second copy); `onTails` is told how many
 * of the scope's SKUs were, and how many of those were steady (their stock-out runs not walked again: steadyTails).
 * Assumes the derived tables were fresh before the new rows came (`cleanTablesStale` false).
 * O(rows of the SKUs) per table after a scan of the raw lines (a tail SKU: its rows of the last day, and an aggregate
 * of its history); a full daily_demand rebuild is O(grid).
 */
export async function rebuildCleanTablesForSkus(
  ws: Workspace,
  config: CleaningConfig,
  skus: readonly string[],
  o: { onTails?: (tails: number, scope: number, steady: number) => void } = {},
): Promise<CleanExtent> {
  if (skus.length === 0) return 'scoped';
  return ws.transaction(async () => {
    await ws.run('CREATE OR REPLACE TEMP TABLE clean_scope (sku VARCHAR, tail BOOLEAN DEFAULT false)');
    await ws.run(sql`INSERT INTO clean_scope (sku) SELECT DISTINCT ${codeRows(skus)} AS sku`);
    await buildBundleParts(ws);
    await closeScopeOverBundles(ws);
    const mark = await cleanMark(ws);
    await chooseTails(ws, config, mark);
    const lastBefore = await lastDays(ws);
    await ws.run('CREATE OR REPLACE TEMP TABLE closed_before AS SELECT date, source FROM closed_days');
    const tails = await buildOrderLines(ws, config, 'listed');
    await buildDailySales(ws, 'listed');
    await buildClosedDays(ws, config);
    const closedChanged = await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (
      (SELECT date, source FROM closed_before EXCEPT SELECT date, source FROM closed_days)
      UNION ALL (SELECT date, source FROM closed_days EXCEPT SELECT date, source FROM closed_before))`);
    const extent: CleanExtent = closedChanged.n > 0 || (await lastDays(ws)) !== lastBefore ? 'full' : 'scoped';
    let steady = 0;
    if (extent === 'scoped') steady = await buildDailyDemand(ws, config, 'listed', tails);
    else for (const part of await skuParts(ws, LINES_PER_PART)) await buildDailyDemand(ws, config, part);
    if (o.onTails !== undefined)
      o.onTails(tails, (await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM clean_scope')).n, steady);
    await buildCatalog(ws, 'listed');
    await ws.run(`INSERT OR REPLACE INTO meta VALUES ('clean_state', 'fresh')`);
    if (mark !== null) await advanceCleanMark(ws, mark);
    await ws.run('DROP TABLE clean_scope; DROP TABLE clean_cut; DROP TABLE closed_before; DROP TABLE bundle_parts');
    return extent;
  });
}

/**
 * `meta.clean_mark`: the last file whose raw rows the derived tables reflect, every raw row of that file and earlier
 * ones included (a full rebuild sets it; a scoped one moves it only when every newer raw row is of a SKU it rebuilt).
 * Rows of later files are new to the derived tables. Null: not known (a workspace cleaned before the mark existed).
 */
const CLEAN_MARK = 'clean_mark';

async function cleanMark(ws: Workspace): Promise<number | null> {
  const rows = await ws.all<{ value: string }>(sql`SELECT value FROM meta WHERE key = ${CLEAN_MARK}`);
  const mark = rows.length === 1 ? Number(rows[0]!.value) : NaN;
  return Number.isSafeInteger(mark) ? mark : null;
}

/** Moves the mark to the last file when every raw row after `mark` is of a SKU in the scope (and no bundle file). */
async function advanceCleanMark(ws: Workspace, mark: number): Promise<void> {
  const outside = (table: string): Sql =>
    sql`SELECT 1 FROM ${ident(table)} WHERE file_id > ${mark}::INTEGER AND sku NOT IN (SELECT sku FROM clean_scope)`;
  await ws.run(sql`INSERT OR REPLACE INTO meta SELECT ${CLEAN_MARK}, coalesce(max(file_id), 0)::VARCHAR FROM files
    WHERE NOT EXISTS (${joinSql(
      RAW_SKU_TABLES.map((t) => outside(t)),
      ' UNION ALL ',
    )} UNION ALL SELECT 1 FROM raw_bundles WHERE file_id > ${mark}::INTEGER)`);
}

/** The raw tables whose rows a SKU's derived rows are built from, by their `sku` column (bundles apart). */
const RAW_SKU_TABLES = ['raw_order_lines', 'raw_daily_sales', 'raw_catalog', 'raw_stock'] as const;

/**
 * Picks the scope's tail SKUs (`clean_scope.tail`) and their cut (temp table `clean_cut`: the last day of the order
 * lines as stored): SKUs whose new rows (after the clean mark) are order lines of the cut or later, so that their rows
 * before the cut (the head) stay as they are and only the rows from the cut on are rebuilt — a live batch's lines of
 * today re-derive today, not the SKU's whole history. The head stays exactly as a full rebuild would make it when:
 * - the SKU is in no bundle, has no daily-sales rows, and no catalog or stock row is newer than the mark (those
 *   reach every day: list prices, continue-selling, dated stock-outs);
 * - no new line matches the cancellation pattern (a cancellation pairs with the latest earlier sale, which may be in
 *   the head), and every new line is later than the stored lines of the cut or later that match it: the pairing walks
 *   in time, so the stored cancellations of today paired as they did, and the new lines (no cancellation among them)
 *   pair with nothing; the tail keeps the stored pairs of its cancellations (pairCancellations). A live shop's best
 *   seller with a cancellation earlier today stays a tail for the rest of the day;
 * - its raw lines up to the mark are as many as its stored lines (the stored rows are those lines' clean rows);
 * - it has a sale before the cut, so its daily demand has days before the cut (its grid starts at its first day with
 *   units, and a sale's demand is above 0): its grid's first day stays where it is;
 * - its outlier thresholds do not move past a head line (checked in buildOrderLines, where the tail's statuses are
 *   known; a SKU that fails it is rebuilt whole).
 * Duplicates are within a day (a row key holds the order time), closed days and the last day are shop-wide (a change
 * rebuilds every SKU's daily demand: 'full'), and the stock-out flags of the head, which hang on the SKU's sale rate
 * and its runs of zero days, are recomputed from the stored head and the rebuilt tail (buildDailyDemand).
 */
async function chooseTails(ws: Workspace, config: CleaningConfig, mark: number | null): Promise<void> {
  await ws.run('CREATE OR REPLACE TEMP TABLE clean_cut AS SELECT max(date) AS cut FROM order_lines');
  if (mark === null) return;
  const m = sql`${mark}::INTEGER`;
  const newer = (table: string): Sql =>
    sql`SELECT sku FROM ${ident(table)} WHERE file_id > ${m} AND sku IN (SELECT sku FROM clean_scope)`;
  await ws.run(sql`
    UPDATE clean_scope SET tail = true WHERE sku IN (
      WITH cut AS (SELECT cut FROM clean_cut),
      fresh AS (
        SELECT sku, min(ordered_at) AS first_new FROM raw_order_lines
        WHERE file_id > ${m} AND sku IN (SELECT sku FROM clean_scope) GROUP BY sku),
      raw_count AS (
        SELECT sku, count(*) AS n FROM raw_order_lines
        WHERE file_id <= ${m} AND sku IN (SELECT sku FROM clean_scope) GROUP BY sku),
      stored_count AS (
        SELECT sku, count(*) AS n, bool_or(date < (SELECT cut FROM cut) AND status = 'sale') AS has_head
        FROM order_lines WHERE rid > 0 AND sku IN (SELECT sku FROM clean_scope) GROUP BY sku)
      SELECT f.sku FROM fresh f JOIN raw_count r USING (sku) JOIN stored_count s USING (sku)
      WHERE f.first_new >= (SELECT cut FROM cut) AND r.n = s.n AND s.has_head
        AND f.sku NOT IN (SELECT bundle_sku FROM bundle_parts UNION ALL SELECT component_sku FROM bundle_parts)
        AND f.sku NOT IN (SELECT sku FROM raw_daily_sales WHERE sku IN (SELECT sku FROM clean_scope))
        AND f.sku NOT IN (${newer('raw_catalog')} UNION ALL ${newer('raw_stock')})
        AND f.sku NOT IN (
          SELECT r.sku FROM raw_order_lines r JOIN fresh n USING (sku) WHERE r.ordered_at >= (SELECT cut FROM cut)
            AND (r.file_id > ${m} OR r.ordered_at >= n.first_new)
            AND regexp_matches(r.order_id, ${config.cancellations.orderIdPattern}))
        AND NOT EXISTS (SELECT 1 FROM raw_bundles WHERE file_id > ${m}))`);
}

/**
 * The bundles' components (temp table `bundle_parts`: bundle_sku, component_sku, quantity, share, k): each bundle as
 * the latest bundle file that lists it defines it (a component with quantity 0 or less is dropped from it); `share` is
 * the component's part of the bundle's price, by the components' list prices in the catalog files × quantity when
 * every component has one, else by quantity; `k` numbers a bundle's components (1…, by SKU). A bundle listed as its
 * own component, a bundle of bundles, or one with more than MAX_BUNDLE_PARTS components is refused where it is
 * ingested (bundleProblem); such parts are left out here too.
 */
async function buildBundleParts(ws: Workspace): Promise<void> {
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE bundle_parts AS
    WITH defined AS (${BUNDLE_DEFINITIONS}),
    parts AS (
      SELECT d.bundle_sku, d.component_sku, d.quantity, p.price
      FROM defined d
      LEFT JOIN (SELECT sku, arg_max(price, (file_id, line)) AS price FROM raw_catalog WHERE price > 0 GROUP BY sku) p
        ON p.sku = d.component_sku
      WHERE d.component_sku <> d.bundle_sku AND d.component_sku NOT IN (SELECT bundle_sku FROM defined))
    SELECT bundle_sku, component_sku, quantity,
      CASE WHEN bool_and(price IS NOT NULL) OVER b THEN price * quantity / sum(price * quantity) OVER b
           ELSE quantity / sum(quantity) OVER b END AS share,
      row_number() OVER (PARTITION BY bundle_sku ORDER BY component_sku) AS k
    FROM parts WINDOW b AS (PARTITION BY bundle_sku)`);
}

/**
 * Every bundle's components as the workspace defines them: the latest bundle file that lists a bundle defines it
 * (each component's last row in that file; one with quantity 0 or less is dropped). Columns: bundle_sku,
 * component_sku, quantity, file_id, line.
 */
export const BUNDLE_DEFINITIONS = raw(`
  SELECT bundle_sku, component_sku, quantity, file_id, line FROM (
    SELECT *, row_number() OVER (PARTITION BY bundle_sku, component_sku ORDER BY file_id DESC, line DESC) AS rk,
      max(file_id) OVER (PARTITION BY bundle_sku) AS last_file
    FROM raw_bundles)
  WHERE rk = 1 AND file_id = last_file AND quantity > 0`);

/** Most components one bundle may have (a component line's rid holds its number in 8 bits). */
export const MAX_BUNDLE_PARTS = 255;

/**
 * The first problem of the bundle definitions as the workspace holds them (the latest file listing each bundle
 * defines it), named by file and line: a bundle listed as its own component, a component that is itself a bundle
 * (bundles of bundles: list the components instead), or more than MAX_BUNDLE_PARTS components; null when none. The
 * ingest calls it before committing a bundle file, so that a bad one is refused whole.
 * @example await bundleProblem(ws) // 'bundles.csv, line 3: BUNDLE-1 lists itself as a component'
 */
export async function bundleProblem(ws: Workspace): Promise<string | null> {
  const rows = await ws.all<{ path: string; line: number; bundle: string; component: string; problem: string }>(sql`
    WITH parts AS (${BUNDLE_DEFINITIONS}),
    problems AS (
      SELECT file_id, line, bundle_sku, component_sku, 'itself' AS problem FROM parts WHERE component_sku = bundle_sku
      UNION ALL
      SELECT file_id, line, bundle_sku, component_sku, 'nested' FROM parts
      WHERE component_sku <> bundle_sku AND component_sku IN (SELECT bundle_sku FROM parts)
      UNION ALL
      SELECT max(file_id), max(line), bundle_sku, NULL, 'many' FROM parts GROUP BY bundle_sku
      HAVING count(*) > ${MAX_BUNDLE_PARTS}::INTEGER)
    SELECT f.path, p.line::INTEGER AS line, p.bundle_sku AS bundle, p.component_sku AS component, p.problem
    FROM problems p JOIN files f USING (file_id) ORDER BY p.file_id, p.line LIMIT 1`);
  const r = rows[0];
  if (r === undefined) return null;
  const where = `${r.path}, line ${r.line}`;
  if (r.problem === 'itself') return `${where}: bundle ${JSON.stringify(r.bundle)} lists itself as a component`;
  if (r.problem === 'nested')
    return (
      `${where}: component ${JSON.stringify(r.component)} of bundle ${JSON.stringify(r.bundle)} is itself a bundle; ` +
      `list its components in the outer bundle instead (bundles of bundles are not read)`
    );
  return `${where}: bundle ${JSON.stringify(r.bundle)} has more than ${MAX_BUNDLE_PARTS} components`;
}

/**
 * Grows the scope (temp table `clean_scope`) to every SKU a bundle ties to it, transitively: a bundle's lines make
 * order lines of its components, so a scoped rebuild of one must rebuild the other's rows too.
 */
async function closeScopeOverBundles(ws: Workspace): Promise<void> {
  const size = async (): Promise<number> =>
    (await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM clean_scope')).n;
  for (let before = await size(); ;) {
    await ws.run(`INSERT INTO clean_scope (sku)
      SELECT component_sku FROM bundle_parts WHERE bundle_sku IN (SELECT sku FROM clean_scope)
      UNION SELECT bundle_sku FROM bundle_parts WHERE component_sku IN (SELECT sku FROM clean_scope)
      EXCEPT SELECT sku FROM clean_scope`);
    const after = await size();
    if (after === before) return;
    before = after;
  }
}

/**
 * Which SKUs a builder rebuilds: a range of codes of a whole rebuild (its first part creates the table anew, the others
 * append to it: skuParts) or the SKUs listed in the temp table `clean_scope` (their rows are deleted and inserted
 * again).
 */
type SkuScope = SkuRange | 'listed';

/** SKU codes from `from` (included) to `to` (excluded), null: unbounded; `first`: the part that creates the tables. */
export interface SkuRange {
  from: string | null;
  to: string | null;
  first: boolean;
}

/** Every SKU, in one part. */
const ALL: SkuRange = { from: null, to: null, first: true };

/** The filter a builder injects where it reads a table with a `sku` column: the range's rows, or a listed SKU's. */
function inScope(scope: SkuScope): Sql {
  if (scope === 'listed') return raw('sku IN (SELECT sku FROM clean_scope)');
  const bounds = [];
  if (scope.from !== null) bounds.push(sql`sku >= ${scope.from}`);
  if (scope.to !== null) bounds.push(sql`sku < ${scope.to}`);
  return bounds.length === 0 ? raw('TRUE') : joinSql(bounds, ' AND ');
}

/**
 * The filter on the rows a builder rebuilds of a table with a `sku` and a day column (`day`): the range's rows, every
 * row of a listed SKU, and of a tail SKU the rows from the cut on (`chooseTails`).
 */
function rowsInScope(scope: SkuScope, day: string): Sql {
  if (scope !== 'listed') return inScope(scope);
  return raw(`(sku IN (SELECT sku FROM clean_scope WHERE NOT tail)
    OR (sku IN (SELECT sku FROM clean_scope WHERE tail) AND ${day} >= (SELECT cut FROM clean_cut)))`);
}

/** A tail SKU's rows before the cut: kept as stored, and counted in the SKU's statistics. */
const HEAD = raw(`sku IN (SELECT sku FROM clean_scope WHERE tail) AND date < (SELECT cut FROM clean_cut)`);

/** The columns that identify a row of each derived table a scoped rebuild rewrites (each row's key is unique). */
const ROW_KEYS: Readonly<Record<string, readonly string[]>> = {
  order_lines: ['rid'],
  daily_sales: ['file_id', 'line'],
  daily_demand: ['sku', 'date', 'source'],
  catalog: ['sku'],
};

/**
 * Writes a builder's rows: the whole table anew (a whole rebuild's first part; its other parts append their rows), or
 * the scope's rows replaced (same query, same columns). A scoped write changes only the rows that differ: the scope's
 * rows as stored and as rebuilt are compared (EXCEPT, every column), the stored ones that are not rebuilt identically
 * are deleted (by the table's row key) and the rebuilt ones not stored identically are inserted. The table ends as a
 * delete of all the scope's rows and an insert of the rebuilt ones would leave it, but a batch that adds a line today
 * rewrites a few rows per SKU, not its whole history: the transaction's log (and the checkpoint it triggers) stays
 * small.
 */
async function writeRows(
  ws: Workspace,
  table: string,
  scope: SkuScope,
  query: Sql,
  rebuilt: Sql = inScope(scope),
): Promise<void> {
  const t = ident(table);
  if (scope !== 'listed') {
    if (scope.first) {
      await ws.run(sql`CREATE OR REPLACE TABLE ${t} AS ${query}`);
      COLUMN_LISTS.get(ws)?.delete(table);
    } else await ws.run(sql`INSERT INTO ${t} ${query}`);
    return;
  }
  const keys = ROW_KEYS[table];
  if (keys === undefined) throw new Error(`writeRows: no row key for ${table}`);
  const cols = await columnList(ws, table);
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE clean_new AS SELECT ${cols} FROM (${query})`);
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE clean_old AS SELECT ${cols} FROM ${t} WHERE ${rebuilt}`);
  const on = joinSql(
    keys.map((k) => sql`${t}.${ident(k)} = g.${ident(k)}`),
    ' AND ',
  );
  await ws.run(sql`DELETE FROM ${t} USING (SELECT * FROM clean_old EXCEPT SELECT * FROM clean_new) g WHERE ${on}`);
  await ws.run(sql`INSERT INTO ${t} SELECT * FROM clean_new EXCEPT SELECT * FROM clean_old`);
  await ws.run('DROP TABLE clean_new; DROP TABLE clean_old');
}

/** Each connection's column lists of the derived tables (the builders' queries fix them: read once). */
const COLUMN_LISTS = new WeakMap<Workspace, Map<string, Sql>>();

/** The columns of `table`, in order, as SQL (read from the catalog once per connection). */
async function columnList(ws: Workspace, table: string): Promise<Sql> {
  let lists = COLUMN_LISTS.get(ws);
  if (lists === undefined) COLUMN_LISTS.set(ws, (lists = new Map()));
  const known = lists.get(table);
  if (known !== undefined) return known;
  const columns = await ws.all<{ c: string }>(sql`SELECT column_name AS c FROM duckdb_columns()
    WHERE table_name = ${table} AND schema_name = 'main' AND database_name = current_database() ORDER BY column_index`);
  const cols = joinSql(columns.map((c) => sql`${ident(c.c)}`));
  lists.set(table, cols);
  return cols;
}

/**
 * A raw order line's `rid`: its place in the order of every raw line, by file then line, as `file_id × 2³² + line`
 * (a line number stays below 2³²). Unique and increasing in that order, like a row number, but a function of the line
 * alone: numbering every line of the shop would be a shop-wide input of each SKU's rebuild (a sort of all raw lines).
 * The cancellation matching takes it as the last tie-break and order_lines refers to lines by it (cancelled_by,
 * cancels).
 */
const RID = raw('file_id::BIGINT * 4294967296 + line');

/** Terms up to this magnitude are summed exactly (DECIMAL(38, 12): 38 digits leave 12 for the sum's growth). */
const EXACT_TERM_MAX = 1e14;

/**
 * `sum(expr)` over the rows `filter` keeps, the same however the rows come: a floating-point sum depends on the order
 * of its terms, and that order differs between a full rebuild and a scoped one (which appends a SKU's rows at the end
 * of the table) and from run to run (threads combine partial sums in any order). Each term is rounded to 12 decimals
 * and added exactly as a DECIMAL(38, 12), which is the same in any order, then read back as a double. A group with a
 * term beyond ±1e14 (no shop's quantity or amount: hostile input) falls back to a plain sum rather than fail (TRY_CAST:
 * the decimal sum is computed for every group, and is NULL, unused, where a term does not fit). Every
 * aggregate here spills to disk, where the sorted list it replaces did not: a 10,000-SKU shop ran out of memory at
 * 300MB. NULL when no row counts, as `sum`.
 */
function exactSum(expr: string, filter?: string): Sql {
  const where = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
  return raw(
    `CASE WHEN bool_and(abs(${expr}) < ${EXACT_TERM_MAX})${where} ` +
      `THEN CAST(sum(TRY_CAST(${expr} AS DECIMAL(38, 12)))${where} AS DOUBLE) ELSE sum(${expr})${where} END`,
  );
}

/** The last day of each data source: the end of every SKU's daily grid. Columns: source, d. */
const LAST_DAY = raw(`SELECT 'order_lines' AS source, max(date) AS d FROM order_lines
      UNION ALL SELECT 'daily_sales', max(date) FROM daily_sales`);

async function lastDays(ws: Workspace): Promise<string> {
  const rows = await ws.all<{ source: string; d: string | null }>(
    sql`SELECT source, d::VARCHAR AS d FROM (${LAST_DAY}) ORDER BY source`,
  );
  return JSON.stringify(rows);
}

/** The cleaning configuration stored in the workspace by the last ingest, else the defaults. */
export async function storedCleaningConfig(ws: Workspace): Promise<CleaningConfig> {
  const stored = await ws.all<{ value: string }>(`SELECT value FROM meta WHERE key = 'cleaning_config'`);
  return stored.length === 1 ? mergeCleaningConfig('workspace', JSON.parse(stored[0]!.value)) : DEFAULT_CLEANING;
}

/**
 * Builds the derived tables when a workspace has none yet (never ingested) or they are stale (an interrupted ingest,
 * changed settings). A second connection (`ws.connect()`: a service's reader) reads them as they are: the service's
 * writer owns them (it marks them stale when it stores rows and cleans them under its lock; a rebuild on the reader,
 * outside that lock, collided with the writer's next transaction).
 */
export async function ensureCleanTables(ws: Workspace): Promise<void> {
  if (!ws.primary && (await derivedTablesExist(ws))) return;
  if (await cleanTablesStale(ws)) await rebuildCleanTables(ws, await storedCleaningConfig(ws));
}

/** True when the derived tables exist (a workspace that was never cleaned has none). */
export async function derivedTablesExist(ws: Workspace): Promise<boolean> {
  const t = await ws.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'daily_demand' AND NOT temporary`);
  return t.length > 0;
}

/**
 * True when the derived tables are missing, older than the raw rows (an interrupted rebuild) or built by a version
 * without closed-day anchors.
 */
export async function cleanTablesStale(ws: Workspace): Promise<boolean> {
  if (!(await derivedTablesExist(ws))) return true;
  const anchors = await ws.all(
    `SELECT 1 FROM duckdb_columns()
     WHERE table_name = 'closed_days' AND column_name = 'anchor' AND database_name <> 'temp'`,
  );
  const state = await ws.all(`SELECT value FROM meta WHERE key = 'clean_state'`);
  return anchors.length === 0 || state[0]?.['value'] === 'stale';
}

function nonProductSql(config: CleaningConfig): Sql {
  const skus = config.nonProduct.skus.map((s) => sql`${s.toUpperCase()}`);
  const parts = [skus.length > 0 ? sql`upper(sku) IN (${joinSql(skus)})` : raw('false')];
  for (const [layout, pattern] of Object.entries(config.nonProduct.productSkuPattern))
    parts.push(sql`(layout = ${layout} AND NOT regexp_matches(sku, ${pattern}))`);
  return joinSql(parts, ' OR ');
}

/**
 * A raw row's place among the identical rows (same `row_key`) in the order of files and lines: its `occurrence`. The
 * load numbers a file's identical rows 1, 2, … in line order and stores those not stored yet, the files of a workspace
 * in the order of their ids (each ingest or batch takes the next ids, under the writer), and no raw row is ever
 * deleted; so a key's stored rows are its occurrences 1…m, and occurrence k + 1 came with a later file than k, or later
 * in the same one. The duplicate rule reads it instead of numbering every raw row by a window over `row_key` (a sort
 * of all the scope's lines: two thirds of the order lines' first pass).
 */
const DUP_RANK = raw('occurrence');

/** The order lines' first statuses (before cancellations pair), of the raw lines `where` keeps. */
function olPreSql(config: CleaningConfig, where: Sql): Sql {
  return sql`
    SELECT ${RID} AS rid, *,
      CASE
        WHEN ${nonProductSql(config)} THEN 'non_product'
        WHEN ${DUP_RANK} > 1 THEN 'duplicate'
        WHEN order_status = 'cancelled' THEN 'cancelled'
        WHEN regexp_matches(order_id, ${config.cancellations.orderIdPattern}) THEN 'cancellation'
        WHEN quantity < 0 THEN 'return'
        WHEN quantity = 0 THEN 'zero_quantity'
        WHEN unit_price <= 0 THEN 'bad_price'
        ELSE 'sale' END AS status
    FROM (SELECT *, CAST(ordered_at AS DATE) AS date FROM raw_order_lines WHERE ${where})`;
}

/** The SQL of each SKU's outlier statistics over the sale quantities of `lines` (columns sku, quantity). */
function outlierStatsSql(config: CleaningConfig, lines: Sql): Sql {
  return sql`SELECT sku, count(*) AS n, median(ln(quantity)) AS lm,
      greatest(1.4826 * mad(ln(quantity)), ${config.outliers.minSpread}) AS spread
    FROM (${lines}) GROUP BY sku`;
}

/**
 * The tail SKUs whose head would change: their outlier threshold, with the tail's lines counted, is not the one their
 * stored lines were capped by, and a head line is an outlier by one of the two. They leave the tail (`clean_scope`)
 * and their head lines join `ol_pre`: they are rebuilt whole.
 */
async function untailMovedThresholds(ws: Workspace, config: CleaningConfig): Promise<number> {
  const tails = (await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM clean_scope WHERE tail')).n;
  if (tails === 0) return 0;
  const o = config.outliers;
  const stats = (lines: string): Sql => outlierStatsSql(config, raw(lines));
  // the line-level test of buildOrderLines (ln(quantity) > threshold), the same arithmetic
  const threshold = (x: string): Sql =>
    sql`CASE WHEN ${raw(x)}.n >= ${o.minLines} THEN ${raw(x)}.lm + ${o.zScore} * ${raw(x)}.spread
      ELSE 'infinity'::DOUBLE END`;
  const head = `SELECT sku, quantity FROM order_lines WHERE status = 'sale' AND ${HEAD.text}`;
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE clean_untail AS
    WITH t AS (SELECT sku FROM clean_scope WHERE tail),
    was AS (${stats(`SELECT sku, quantity FROM order_lines
      WHERE status = 'sale' AND sku IN (SELECT sku FROM clean_scope WHERE tail)`)}),
    now AS (${stats(`${head} UNION ALL SELECT sku, quantity FROM ol_pre
      WHERE status = 'sale' AND sku IN (SELECT sku FROM clean_scope WHERE tail)`)}),
    top AS (SELECT sku, max(ln(quantity)) AS top FROM (${raw(head)}) GROUP BY sku)
    SELECT t.sku FROM t LEFT JOIN was w USING (sku) LEFT JOIN now n USING (sku) LEFT JOIN top USING (sku)
    WHERE NOT (coalesce(w.n >= ${o.minLines}, false) = coalesce(n.n >= ${o.minLines}, false)
                 AND (coalesce(w.n, 0) < ${o.minLines} OR (w.lm = n.lm AND w.spread = n.spread)))
      AND top.top IS NOT NULL
      AND NOT (top.top <= ${threshold('w')} AND top.top <= ${threshold('n')})`);
  const moved = await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM clean_untail');
  if (moved.n > 0) {
    await ws.run('UPDATE clean_scope SET tail = false WHERE sku IN (SELECT sku FROM clean_untail)');
    await ws.run(
      sql`INSERT INTO ol_pre ${olPreSql(
        config,
        raw(`sku IN (SELECT sku FROM clean_untail) AND ordered_at < (SELECT cut FROM clean_cut)`),
      )}`,
    );
  }
  await ws.run('DROP TABLE clean_untail');
  return tails - moved.n;
}

/**
 * Builds order_lines for the scope; returns how many of its SKUs were rebuilt from the cut on (tails). Its rows come
 * in no particular order (sorting them by rid was a third of the clean of 29 million lines): every reader orders what
 * it lists and sums order-independently (exactSum).
 */
async function buildOrderLines(ws: Workspace, config: CleaningConfig, scope: SkuScope): Promise<number> {
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE ol_pre AS ${olPreSql(config, rowsInScope(scope, 'ordered_at'))}`);
  const tails = scope === 'listed' ? await untailMovedThresholds(ws, config) : 0;
  await pairCancellations(ws, scope);

  const o = config.outliers;
  await writeRows(
    ws,
    'order_lines',
    scope,
    sql`
    WITH m AS (
      SELECT p.*, cp.cancel_rid AS cancelled_by, cc.rid AS cancels,
        CASE WHEN p.status = 'sale' AND cp.cancel_rid IS NOT NULL THEN 'cancelled_original' ELSE p.status END AS status2
      FROM ol_pre p
      LEFT JOIN cancel_pairs cp ON cp.rid = p.rid
      LEFT JOIN cancel_pairs cc ON cc.cancel_rid = p.rid),
    -- a tail SKU's statistics count its head's sales as stored (rowsInScope)
    s AS (${outlierStatsSql(
      config,
      scope !== 'listed'
        ? raw(`SELECT sku, quantity FROM m WHERE status2 = 'sale'`)
        : raw(`SELECT sku, quantity FROM m WHERE status2 = 'sale'
            UNION ALL SELECT sku, quantity FROM order_lines WHERE status = 'sale' AND ${HEAD.text}`),
    )}),
    f AS (
      SELECT m.*, CASE WHEN m.status2 = 'sale' THEN s.n >= ${o.minLines}
          AND ln(m.quantity) > s.lm + ${o.zScore} * s.spread END AS is_outlier,
        exp(s.lm + ${o.zScore} * s.spread) AS cap
      FROM m LEFT JOIN s ON s.sku = m.sku),
    lines AS (
      SELECT rid, row_key, occurrence, file_id, line, layout, order_id, ordered_at, date, sku, quantity, unit_price,
        customer_id, country, channel, description, status2 AS status, coalesce(is_outlier, false) AS outlier,
        CASE WHEN status2 <> 'sale' THEN NULL
             WHEN is_outlier THEN least(quantity, CASE WHEN quantity = floor(quantity) THEN ceil(cap) ELSE cap END)
             ELSE quantity END AS demand_quantity,
        cancelled_by, cancels, location, promo
      FROM f)
    -- a bundle's sales are its components' demand: the bundle's line is kept as 'bundle', each component gets a line
    -- of its own (rid −(rid × 256 + k)) with quantity × its quantity in the bundle and its share of the price
    SELECT l.* REPLACE (CASE WHEN l.status = 'sale' AND b.bundle_sku IS NOT NULL THEN 'bundle' ELSE l.status END
        AS status, CASE WHEN b.bundle_sku IS NULL THEN l.demand_quantity END AS demand_quantity)
    FROM lines l LEFT JOIN (SELECT DISTINCT bundle_sku FROM bundle_parts) b ON b.bundle_sku = l.sku
    UNION ALL
    SELECT -(l.rid * 256 + p.k) AS rid, l.row_key, l.occurrence, l.file_id, l.line, l.layout, l.order_id, l.ordered_at,
      l.date, p.component_sku AS sku, l.quantity * p.quantity AS quantity, l.unit_price * p.share / p.quantity
      AS unit_price, l.customer_id, l.country, l.channel, NULL AS description, 'sale' AS status, l.outlier,
      l.demand_quantity * p.quantity AS demand_quantity, NULL AS cancelled_by, NULL AS cancels, l.location, l.promo
    FROM lines l JOIN bundle_parts p ON p.bundle_sku = l.sku
    WHERE l.status = 'sale'`,
    rowsInScope(scope, 'date'),
  );
  await ws.run('DROP TABLE ol_pre; DROP TABLE cancel_pairs');
  return tails;
}

/**
 * Pairs each cancellation line with the sale it undoes: same customer (lines without a customer
 * pair with lines without one), SKU and quantity, placed before it, the most recent one not yet
 * paired (last in, first out). Writes the temp table cancel_pairs (rid of the sale, cancel_rid).
 * In SQL, as a stack walked in each group's order (time, sales before cancellations, rid): a sale
 * pushes, a cancellation pops when the stack is not empty. The stack's height after each line is
 * the running sum of ±1 less its lowest point so far below 0 (a walk stopped at 0), and the sale a
 * cancellation pops is the last one before it that left the stack at the height the cancellation
 * found (a later one at that height would be on top; an earlier one popped since would have had
 * one pushed after it back to that height). O(n log n) in the candidates, none of them read into JS.
 * A tail SKU (chooseTails) is not walked: its new lines pair with nothing, and its cancellations of the cut or later
 * keep the pairs stored with them (their sales may be in the head).
 */
async function pairCancellations(ws: Workspace, scope: SkuScope): Promise<void> {
  const tails = scope === 'listed';
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE cancel_pairs AS
    WITH c AS (
      SELECT o.rid, o.status = 'cancellation' AS is_cancel, o.ordered_at,
        coalesce(o.customer_id, chr(0)) || chr(31) || o.sku || chr(31) || abs(o.quantity)::VARCHAR AS grp
      FROM ol_pre o
      SEMI JOIN (SELECT DISTINCT customer_id, sku, abs(quantity) AS q FROM ol_pre WHERE status = 'cancellation') c
        ON o.customer_id IS NOT DISTINCT FROM c.customer_id AND o.sku = c.sku AND abs(o.quantity) = c.q
      WHERE o.status IN ('sale', 'cancellation')
        ${raw(tails ? 'AND o.sku NOT IN (SELECT sku FROM clean_scope WHERE tail)' : '')}),
    walk AS (
      SELECT rid, is_cancel, grp, row_number() OVER g AS pos,
        sum(CASE WHEN is_cancel THEN -1 ELSE 1 END) OVER g AS s
      FROM c WINDOW g AS (PARTITION BY grp ORDER BY ordered_at, is_cancel, rid ROWS UNBOUNDED PRECEDING)),
    height AS (
      SELECT rid, is_cancel, grp, pos, s - least(0, min(s) OVER g) AS after
      FROM walk WINDOW g AS (PARTITION BY grp ORDER BY pos ROWS UNBOUNDED PRECEDING)),
    found AS (
      SELECT rid, is_cancel, grp, pos, after,
        coalesce(lag(after) OVER (PARTITION BY grp ORDER BY pos), 0) AS before
      FROM height)
    SELECT s.rid, x.rid AS cancel_rid
    FROM (SELECT grp, pos, rid, before FROM found WHERE is_cancel AND before > 0) x
    ASOF JOIN (SELECT grp, pos, rid, after FROM found WHERE NOT is_cancel) s
      ON s.grp = x.grp AND s.after = x.before AND x.pos > s.pos
    ${raw(
      tails
        ? `UNION ALL SELECT cancels, rid FROM order_lines
           WHERE cancels IS NOT NULL AND sku IN (SELECT sku FROM clean_scope WHERE tail)
             AND date >= (SELECT cut FROM clean_cut)`
        : '',
    )}`);
}

async function buildDailySales(ws: Workspace, scope: SkuScope): Promise<void> {
  // the window and the overlap test are within one SKU: filtering first changes nothing
  await writeRows(
    ws,
    'daily_sales',
    scope,
    sql`
    WITH d AS (
      SELECT *, ${DUP_RANK} AS dup_rank FROM raw_daily_sales WHERE ${inScope(scope)}),
    v AS (
      SELECT *, CASE WHEN dup_rank = 1
        THEN row_number() OVER (PARTITION BY sku, date, dup_rank = 1 ORDER BY file_id DESC, line DESC)
        END AS version_rank
      FROM d)
    SELECT row_key, occurrence, file_id, line, layout, sku, date, units, price, promo, open,
      CASE WHEN dup_rank > 1 THEN 'duplicate'
           WHEN version_rank > 1 THEN 'superseded'
           WHEN sku IN (SELECT sku FROM order_lines WHERE ${inScope(scope)}) THEN 'overlap'
           WHEN units < 0 THEN 'return'
           ELSE 'sale' END AS status
    FROM v ORDER BY file_id, line`,
  );
}

/**
 * Days the whole shop was closed, per data source: the shop-wide empty days (no order line at all;
 * daily data: rows that sell nothing across the shop — a day without rows is missing data, not
 * empty) that form a pattern by the rules of engine/closed-calendar.ts: a weekday without sales in
 * nearly every week, or a holiday (a run of empty days at Christmas or Easter, or a date empty
 * every year) that chance cannot explain. Any other empty day is zero demand. Each closed day
 * keeps its rule's anchor (`weekday:5`, `date:12-25`, `easter:-2`), from which the demand reader
 * carries the closed days into the future.
 */
async function buildClosedDays(ws: Workspace, config: CleaningConfig): Promise<void> {
  const c = config.closedDays;
  const rows: Sql[] = [];
  if (c.shopWideZero) {
    const sources = [
      { source: 'order_lines', days: sql`SELECT date, 0 AS units FROM order_lines GROUP BY date` },
      {
        source: 'daily_sales',
        days: sql`SELECT date, ${exactSum('units')} AS units
          FROM daily_sales WHERE status IN ('sale', 'return') GROUP BY date`,
      },
    ];
    for (const { source, days } of sources) {
      const found = await ws.all<{ d: string; units: number | null }>(
        sql`SELECT date::VARCHAR AS d, units::DOUBLE AS units FROM (${days}) ORDER BY date`,
      );
      if (found.length === 0) continue;
      const first = dayMs(found[0]!.d);
      const n = Math.round((dayMs(found[found.length - 1]!.d) - first) / DAY_MS) + 1;
      // order lines: a day without a line is empty; daily sales: a day without rows is unknown
      const empty = new Float64Array(n).fill(source === 'order_lines' ? 1 : NaN);
      for (const r of found) {
        const units = source === 'order_lines' ? 1 : (r.units ?? 0);
        empty[Math.round((dayMs(r.d) - first) / DAY_MS)] = units > 0 ? 0 : 1;
      }
      const cal = detectClosedDays(empty, first, c);
      const names = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];
      const byWeekday = new Map(cal.weekdays.map((w) => [w.weekday, w]));
      for (let t = 0; t < n; t++) {
        if (cal.rule[t] === 0) continue;
        const day = first + t * DAY_MS;
        const w = byWeekday.get(weekdayOf(day));
        const holiday = cal.holidayAnchors.get(t);
        const reasons = [];
        const anchors = [];
        if (cal.rule[t] === 1) {
          reasons.push(`closed on ${names[w!.weekday]!}: no sale in ${w!.empty} of ${w!.weeks} weeks`);
          anchors.push(anchorText({ kind: 'weekday', weekday: w!.weekday }));
        }
        if (holiday !== undefined) {
          reasons.push(`holiday (${holiday.kind === 'easter' ? 'Easter' : 'Christmas or a yearly date'})`);
          anchors.push(anchorText(holiday));
        }
        rows.push(sql`(${isoDate(day)}::DATE, ${source}, ${reasons.join('; ')}, ${anchors.join(' ')})`);
      }
    }
  }
  await ws.run(sql`
    CREATE OR REPLACE TABLE closed_days AS
    SELECT * FROM (VALUES ${rows.length > 0 ? joinSql(rows) : raw(`(NULL::DATE, '', '', '')`)})
      AS t(date, source, reason, anchor)
    WHERE date IS NOT NULL ORDER BY 1, 2`);
}

/**
 * One row per SKU and day from the SKU's first sale to the last day of its data source: units of
 * demand (outliers capped; NULL on closed days, and on days a daily-sales file has no row for:
 * missing, not zero), with flags for closed days, zero-filled gaps (order lines only) and
 * suspected stock-outs (a run of zero-sale open days that a regular seller would hardly ever show
 * by chance: (1 − sell rate)^run ≤ maxChance, with sales on both sides of the run, and no longer
 * than maxRunDays: a longer pause is dormancy, e.g. a seasonal product out of season).
 * Where a dated stock snapshot covers a SKU-day, it decides instead: nothing available (summed over its locations) is a
 * known stock-out (`stockout` and `stockout_known`), stock on hand is none. A SKU the catalog says keeps selling when
 * out of stock (`continue_selling`) has no stock-out days: its orders were taken anyway.
 * Returns how many of the scope's tail SKUs were steady (steadyTails).
 */
async function buildDailyDemand(
  ws: Workspace,
  config: CleaningConfig,
  scope: SkuScope,
  /** how many SKUs of the scope are tails (buildOrderLines) */
  tails = 0,
): Promise<number> {
  const st = config.stockouts;
  // each SKU-day's order lines summed exactly (the same in any order)
  const sums = {
    u: exactSum('demand_quantity'),
    q: exactSum('quantity'),
    r: exactSum('demand_quantity * unit_price'),
    v: exactSum('quantity * unit_price'),
  };
  const sum = (field: keyof typeof sums): Sql => raw(field);
  const listed = scope === 'listed';
  // a tail SKU's grid is rebuilt from the cut on (its first day is in the head: chooseTails)
  const tailSpan = raw(
    listed
      ? `AND sku NOT IN (SELECT sku FROM clean_scope WHERE tail) GROUP BY sku, source
         UNION ALL SELECT sku, 'order_lines', (SELECT cut FROM clean_cut) FROM clean_scope WHERE tail`
      : 'GROUP BY sku, source',
  );
  // its stock-out runs and sale rate count its head's days as stored (a steady tail SKU's runs are not recomputed)
  const unsteady = raw(listed ? 'AND sku NOT IN (SELECT sku FROM dd_steady)' : '');
  const headDays = raw(
    listed
      ? `UNION ALL SELECT sku, source, date, units > 0 FROM daily_demand
         WHERE ${HEAD.text} AND NOT closed AND NOT missing ${unsteady.text}`
      : '',
  );
  const flags = sql`WITH
    open_days AS (
      SELECT sku, source, date, units > 0 AS sold FROM dd_grid WHERE NOT closed AND NOT missing ${unsteady}
      ${headDays}),
    rates AS (
      SELECT sku, source, avg(sold::INTEGER) AS rate, sum(sold::INTEGER) AS sale_days
      FROM open_days GROUP BY sku, source),
    -- runs only of the SKUs that sell often enough to be flagged (most sell too seldom): the window's partitions
    -- are SKUs, so leaving out whole SKUs changes no other SKU's runs
    runs AS (
      SELECT *, sum(sold::INTEGER) OVER (PARTITION BY sku, source ORDER BY date ROWS UNBOUNDED PRECEDING) AS run_id
      FROM open_days SEMI JOIN (SELECT sku, source FROM rates
        WHERE rate >= ${st.minSellRate} AND sale_days >= ${st.minSaleDays}) USING (sku, source)),
    zero_runs AS (
      SELECT sku, source, run_id, count(*) AS len FROM runs WHERE NOT sold GROUP BY sku, source, run_id),
    flagged AS (
      SELECT r.sku, r.source, r.date
      FROM runs r JOIN zero_runs z USING (sku, source, run_id) JOIN rates q USING (sku, source)
      WHERE NOT r.sold AND r.run_id < q.sale_days
        AND z.len >= ${st.minRunDays} AND z.len <= ${st.maxRunDays} AND pow(1 - q.rate, z.len) <= ${st.maxChance})
    SELECT * FROM flagged`;
  const known = sql`
    snapshots AS (
      SELECT sku, date, sum(on_hand) AS available FROM (
        SELECT sku, date, on_hand,
          row_number() OVER (PARTITION BY sku, coalesce(location, ''), date ORDER BY file_id DESC, line DESC) AS rk
        FROM raw_stock WHERE date IS NOT NULL AND ${inScope(scope)})
      WHERE rk = 1 GROUP BY sku, date),
    sells_out AS (
      SELECT sku FROM raw_catalog WHERE continue_selling IS NOT NULL AND ${inScope(scope)}
      GROUP BY sku HAVING arg_max(continue_selling, (file_id, line)))`;
  // the day's rows g joined with dd_flagged f, snapshots k and sells_out c
  const stockout = raw(`CASE WHEN c.sku IS NOT NULL THEN false
           WHEN k.sku IS NOT NULL THEN k.available <= 0 AND NOT g.closed
           ELSE f.sku IS NOT NULL END`);
  const joins = raw(`LEFT JOIN dd_flagged f USING (sku, source, date)
    LEFT JOIN snapshots k ON k.sku = g.sku AND k.date = g.date
    LEFT JOIN sells_out c ON c.sku = g.sku`);
  // the last day and the closed days are shop-wide: read whole; the rest is per SKU
  await ws.run(sql`
    CREATE OR REPLACE TEMP TABLE dd_grid AS
    WITH sales AS (
      SELECT sku, date, 'order_lines' AS source, ${sum('u')} AS units, ${sum('q')} AS units_raw,
        ${sum('r')} AS revenue, lines, outlier_capped, ${sum('v')} / ${sum('q')} AS price,
        promo, NULL::BOOLEAN AS open
      FROM (
        SELECT sku, date, count(*)::INTEGER AS lines, bool_or(outlier) AS outlier_capped, bool_or(promo) AS promo,
          ${sums.u} AS u, ${sums.q} AS q, ${sums.r} AS r, ${sums.v} AS v
        FROM order_lines WHERE status = 'sale' AND ${rowsInScope(scope, 'date')} GROUP BY sku, date)
      UNION ALL
      SELECT sku, date, 'daily_sales', units, units, units * price, 1, false, price, promo, open
      FROM daily_sales WHERE status = 'sale' AND ${inScope(scope)}),
    last_day AS (${LAST_DAY}),
    span AS (
      SELECT sku, source, min(date) AS first FROM sales WHERE units > 0 ${tailSpan}),
    grid AS (
      SELECT span.sku, span.source, g.d::DATE AS date
      FROM span JOIN last_day USING (source), generate_series(span.first, last_day.d, INTERVAL 1 DAY) g(d))
    SELECT g.sku, g.date, g.source,
      (cd.date IS NOT NULL OR coalesce(s.open, true) = false) AS closed,
      CASE WHEN cd.date IS NOT NULL OR coalesce(s.open, true) = false THEN NULL
           WHEN s.sku IS NULL AND g.source = 'daily_sales' THEN NULL
           ELSE coalesce(s.units, 0) END AS units,
      coalesce(s.units_raw, 0) AS units_raw, coalesce(s.revenue, 0) AS revenue, coalesce(s.lines, 0) AS lines,
      (s.sku IS NULL AND cd.date IS NULL AND g.source = 'order_lines') AS filled,
      (s.sku IS NULL AND cd.date IS NULL AND g.source = 'daily_sales') AS missing,
      coalesce(s.outlier_capped, false) AS outlier_capped,
      s.price, s.promo
    FROM grid g
    LEFT JOIN sales s ON s.sku = g.sku AND s.date = g.date AND s.source = g.source
    LEFT JOIN closed_days cd ON cd.date = g.date AND cd.source = g.source`);
  const steady = listed ? await steadyTails(ws, tails) : 0;
  // the stock-out days of the scope (and of a tail SKU's head): computed once, read by the head's update and the write
  await ws.run(sql`CREATE OR REPLACE TEMP TABLE dd_flagged AS ${flags}`);
  if (listed && tails > 0) {
    // a tail SKU's head keeps its rows; only a stock-out flag moves there (its sale rate or a run's ends changed)
    // (the flags that move are found first, and only those rows are updated: most cycles move none)
    await ws.run(sql`CREATE OR REPLACE TEMP TABLE dd_moved AS
      WITH ${known}
      SELECT g.sku, g.date, g.source, ${stockout} AS stockout
      FROM (SELECT sku, date, source, closed, stockout FROM daily_demand WHERE ${HEAD} ${unsteady}) g ${joins}
      WHERE g.stockout IS DISTINCT FROM ${stockout}`);
    if ((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM dd_moved')).n > 0)
      await ws.run(`UPDATE daily_demand SET stockout = n.stockout FROM dd_moved n
        WHERE daily_demand.sku = n.sku AND daily_demand.date = n.date AND daily_demand.source = n.source`);
    await ws.run('DROP TABLE dd_moved');
  }
  await writeRows(
    ws,
    'daily_demand',
    scope,
    sql`
    WITH ${known}
    SELECT g.*, ${stockout} AS stockout,
      coalesce(c.sku IS NULL AND k.available <= 0 AND NOT g.closed, false) AS stockout_known
    FROM dd_grid g ${joins}
    ORDER BY sku, date`,
    rowsInScope(scope, 'date'),
  );
  // a whole rebuild stores the rows in (sku, date) order, for readers to take as they are; a scoped one deletes and
  // appends rows
  await ws.run(sql`INSERT OR REPLACE INTO meta VALUES (${DEMAND_ORDER}, ${listed ? 'none' : 'sku,date'})`);
  await ws.run(`DROP TABLE dd_grid; DROP TABLE dd_flagged${listed ? '; DROP TABLE dd_steady' : ''}`);
  return steady;
}

/** `meta` key: 'sku,date' while daily_demand's rows are stored in that order (its last write was a whole rebuild). */
const DEMAND_ORDER = 'daily_demand_order';

/**
 * True when daily_demand's rows are stored in (sku, date) order, as its last whole rebuild wrote them (ORDER BY sku,
 * date) and a scan without ORDER BY returns them (DuckDB keeps insertion order: `preserve_insertion_order`, on by
 * default); false after a scoped rebuild (rows deleted and appended) or when not known.
 */
export async function dailyDemandInOrder(ws: Workspace): Promise<boolean> {
  const rows = await ws.all<{ value: string }>(sql`SELECT value FROM meta WHERE key = ${DEMAND_ORDER}`);
  return rows[0]?.value === 'sku,date';
}

/**
 * The steady tail SKUs (temp table `dd_steady`): those whose rebuilt grid is the cut's day alone and whose day there is
 * open and sold, or not, as its stored row was. Their open days, sold or not, are then the ones their stored stock-out
 * flags were computed from (the head is kept as stored), so every flag of the head stays, and the cut's day, the last
 * day of the SKU's data, is never flagged (a flagged day has a sale after its run): their runs are not walked again. A
 * live shop's best sellers, which sold earlier today, are steady for the rest of the day.
 */
async function steadyTails(ws: Workspace, tails: number): Promise<number> {
  if (tails === 0) {
    await ws.run('CREATE OR REPLACE TEMP TABLE dd_steady (sku VARCHAR)');
    return 0;
  }
  await ws.run(`CREATE OR REPLACE TEMP TABLE dd_steady AS
    SELECT g.sku FROM dd_grid g JOIN daily_demand d USING (sku, date, source)
    WHERE g.sku IN (SELECT sku FROM clean_scope WHERE tail) AND g.date = (SELECT cut FROM clean_cut)
      AND g.sku NOT IN (SELECT sku FROM dd_grid WHERE date <> (SELECT cut FROM clean_cut))
      AND (NOT g.closed AND NOT g.missing) = (NOT d.closed AND NOT d.missing)
      AND (g.closed OR g.missing OR (g.units > 0) = (d.units > 0))`);
  return (await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM dd_steady')).n;
}

/**
 * SQL for each SKU's description on the order lines matching `where`: the most frequent, ties to
 * the alphabetically first (DuckDB's mode() picks among ties at random, so runs would differ).
 * Columns: sku, description.
 */
export function descriptionsSql(where: Sql): Sql {
  return sql`SELECT sku, arg_max(description, [n, -rank]) AS description FROM (
    SELECT sku, description, count(*) AS n, row_number() OVER (PARTITION BY sku ORDER BY description) AS rank
    FROM order_lines WHERE (${where}) AND description IS NOT NULL GROUP BY sku, description) GROUP BY sku`;
}

/**
 * The catalog: derived from the sales (most frequent description, first and last sale, price
 * statistics), joined with the latest row of a catalog file for each SKU when one was ingested
 * (name, category, brand, list price, cost, launch and discontinuation dates; its description wins).
 * SKUs that are only in a catalog file — new products without sales — are listed too.
 */
async function buildCatalog(ws: Workspace, scope: SkuScope): Promise<void> {
  await writeRows(
    ws,
    'catalog',
    scope,
    sql`
    WITH described AS (${descriptionsSql(inScope(scope))}),
    ordered AS (
      SELECT sku, bool_and(status <> 'non_product') AS is_product,
        min(date) FILTER (WHERE status = 'sale') AS first_sale, max(date) FILTER (WHERE status = 'sale') AS last_sale,
        count(*) FILTER (WHERE status = 'sale') AS lines,
        coalesce(${exactSum('quantity', `status = 'sale'`)}, 0) AS units,
        coalesce(${exactSum('quantity * unit_price', `status = 'sale'`)}, 0) AS revenue,
        min(unit_price) FILTER (WHERE status = 'sale') AS price_min,
        median(unit_price) FILTER (WHERE status = 'sale') AS price_median,
        ${exactSum('quantity * unit_price', `status = 'sale'`)}
          / ${exactSum('quantity', `status = 'sale'`)} AS price_mean,
        max(unit_price) FILTER (WHERE status = 'sale') AS price_max,
        arg_max(unit_price, (ordered_at, rid)) FILTER (WHERE status = 'sale') AS price_last,
        'order_lines' AS source
      FROM order_lines WHERE ${inScope(scope)} GROUP BY sku),
    sold AS (
      -- the description joined once per SKU (a subquery in the aggregate above ran once per line)
      SELECT o.sku, d.description, o.* EXCLUDE (sku) FROM ordered o LEFT JOIN described d ON d.sku = o.sku
      UNION ALL
      SELECT sku, NULL, true, min(date) FILTER (WHERE units > 0), max(date) FILTER (WHERE units > 0),
        count(*) FILTER (WHERE units > 0), ${exactSum('units')},
        ${exactSum('units * price')},
        min(price), median(price),
        ${exactSum('units * price')}
          / nullif(${exactSum('units', 'price IS NOT NULL')}, 0), max(price),
        arg_max(price, date), 'daily_sales'
      FROM daily_sales WHERE status = 'sale' AND ${inScope(scope)}
        AND sku NOT IN (SELECT sku FROM order_lines WHERE ${inScope(scope)})
      GROUP BY sku),
    listed AS (
      SELECT * FROM
        (SELECT *, row_number() OVER (PARTITION BY sku ORDER BY file_id DESC, line DESC) AS rk
         FROM raw_catalog WHERE ${inScope(scope)})
      WHERE rk = 1)
    SELECT coalesce(s.sku, l.sku) AS sku, l.name, coalesce(l.description, s.description) AS description,
      l.category, l.brand, l.price AS list_price, l.cost, l.launched_at, l.discontinued_at, l.supplier,
      lower(trim(l.status)) AS status, l.continue_selling,
      coalesce(s.is_product, true) AS is_product, s.first_sale, s.last_sale, coalesce(s.lines, 0) AS lines,
      coalesce(s.units, 0) AS units, coalesce(s.revenue, 0) AS revenue, s.price_min, s.price_median, s.price_mean,
      s.price_max, s.price_last, coalesce(s.source, 'catalog') AS source, l.sku IS NOT NULL AS in_catalog_file
    FROM sold s FULL OUTER JOIN listed l ON l.sku = s.sku
    ORDER BY 1`,
  );
}
