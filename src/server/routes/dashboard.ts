/**
 * The dashboard's reads (issue #20): the Today page (GET /summary), the product table in columns with an ETag
 * (GET /skus/table), weekly sparklines (GET /skus/sparklines), and the Data page (GET /ingests, /cleaning-report,
 * /rejected-rows). All `read` scope; every figure comes from pipeline/dashboard.ts.
 */
import { Type } from 'typebox';
import {
  MAX_SPARKLINE_SKUS,
  cleaningSummary,
  dashboardSummary,
  ingestHistory,
  rejectedRows,
  skuSparklines,
  skuTable,
  tableVersion,
} from '../../pipeline/dashboard.js';
import { MAX_OFFSET, defineRoute } from '../route.js';
import { Alert } from './alerts.js';

const Num = Type.Number();
const NullableNum = Type.Union([Type.Number(), Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);

export const summaryRoute = defineRoute({
  method: 'GET',
  url: '/summary',
  scope: 'read',
  tags: ['dashboard'],
  summary: 'The Today page: KPIs, open alerts by urgency, orders due by supplier, what changed since the last plan',
  description:
    'KPIs over every SKU: the next 30 days of forecast × median selling price, stock on hand at unit cost, SKUs ' +
    'with a stock-out risk of 50 % or more, revenue expected to be lost before an order could arrive. `changes` ' +
    'compare with the plan run before the latest (with only one plan: that plan). `currency` is the workspace ' +
    'setting (null: not set); `locale` the setting, else en-GB for GBP, else en-US.',
  querystring: Type.Object({}, { additionalProperties: false }),
  response: Type.Object({
    as_of: NullableText,
    currency: NullableText,
    locale: Type.String(),
    run_id: Type.Union([Type.Integer(), Type.Null()]),
    kpis: Type.Object({
      revenue_forecast_30d: Num,
      stock_value: Num,
      skus_at_risk: Type.Integer(),
      lost_revenue_expected: Num,
      skus: Type.Integer(),
      skus_with_alerts: Type.Integer(),
    }),
    alerts: Type.Array(Alert),
    orders_due: Type.Array(
      Type.Object({
        supplier: Type.String(),
        lines: Type.Integer(),
        units: Num,
        value: Num,
        order_by: NullableText,
      }),
    ),
    changes: Type.Object({
      since: NullableText,
      since_as_of: NullableText,
      since_run_id: Type.Union([Type.Integer(), Type.Null()]),
      new_alerts: Type.Integer(),
      forecast_changes: Type.Array(
        Type.Object({
          sku: Type.String(),
          description: NullableText,
          before: Num,
          after: Num,
          change_pct: NullableNum,
        }),
      ),
      forecast_changes_total: Type.Integer(),
      stage_changes: Type.Array(Type.Object({ sku: Type.String(), from: Type.String(), to: Type.String() })),
      stage_changes_total: Type.Integer(),
      batches: Type.Integer(),
      lines: Num,
    }),
  }),
  handler: async ({ ctx }) => dashboardSummary(ctx.reader),
});

/** The ETag of a data version (a strong validator: the table is a function of the version). */
const etagOf = (version: string): string => `"t${version}"`;

/** What an If-None-Match header names: any version (`*`), and the versions of the ETags it lists (weak or strong). */
function ifNoneMatch(header: string | string[] | undefined): { any: boolean; versions: string[] } {
  const out = { any: false, versions: [] as string[] };
  if (typeof header !== 'string') return out;
  for (const part of header.split(',')) {
    const tag = part.trim().replace(/^W\//, '');
    if (tag === '*') out.any = true;
    else if (/^"t[0-9.~]+"$/.test(tag)) out.versions.push(tag.slice(2, -1));
  }
  return out;
}

export const skuTableRoute = defineRoute({
  method: 'GET',
  url: '/skus/table',
  scope: 'read',
  tags: ['dashboard'],
  summary: 'Every SKU in columns (one array per field), with an ETag; 304 when If-None-Match holds it',
  description:
    'One entry per SKU in each column, in SKU order. `description` is the display name; `alert` the kind of the ' +
    'most urgent open alert; `risk` the stock-out risk (0–1); `revenue` the last 365 days; `forecast_change` the ' +
    'next 28 days against the previous forecast (0.1 = +10 %, as GET /skus); `forecast_30d` Σ of the next 30 ' +
    "days' means; `order_units` the suggested order (null: none). The ETag is the workspace's data version " +
    '(plans, forecasts, alerts, events): send it back as If-None-Match for a 304 without a body.',
  querystring: Type.Object({}, { additionalProperties: false }),
  response: Type.Object({
    as_of: NullableText,
    count: Type.Integer(),
    columns: Type.Object({
      sku: Type.Array(Type.String()),
      description: Type.Array(NullableText),
      abc: Type.Array(NullableText),
      xyz: Type.Array(NullableText),
      stage: Type.Array(NullableText),
      supplier: Type.Array(NullableText),
      alert: Type.Array(NullableText),
      risk: Type.Array(Num),
      days_of_stock: Type.Array(NullableNum),
      revenue: Type.Array(Num),
      forecast_change: Type.Array(NullableNum),
      forecast_30d: Type.Array(Num),
      order_units: Type.Array(NullableNum),
    }),
  }),
  handler: async ({ ctx, request, reply }) => {
    const match = ifNoneMatch(request.headers['if-none-match']);
    const t = match.any
      ? { version: await tableVersion(ctx.reader), json: null }
      : await skuTable(ctx.reader, match.versions);
    reply
      .header('etag', etagOf(t.version))
      .header('cache-control', 'private, no-cache')
      .header('vary', 'authorization');
    if (t.json === null) {
      await reply.code(304).send();
      return undefined;
    }
    await reply.type('application/json; charset=utf-8').send(t.json);
    return undefined;
  },
});

export const sparklinesRoute = defineRoute({
  method: 'GET',
  url: '/skus/sparklines',
  scope: 'read',
  tags: ['dashboard'],
  summary: `Weekly units of the last 26 weeks for up to ${MAX_SPARKLINE_SKUS} SKUs`,
  description:
    'Monday weeks up to the last day of data, summed as GET /skus/{sku} history.weekly sums them. Name the SKUs ' +
    'comma-separated (`skus=A,B`), or repeat `skus` for SKUs that hold a comma.',
  querystring: Type.Object(
    {
      skus: Type.Array(Type.String({ minLength: 1, maxLength: 25_000 }), {
        minItems: 1,
        maxItems: MAX_SPARKLINE_SKUS,
        description: 'SKUs, comma-separated or repeated',
      }),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    weeks: Type.Array(Type.String()),
    series: Type.Record(Type.String(), Type.Array(Num)),
  }),
  handler: async ({ ctx, query }) =>
    skuSparklines(ctx.reader, query.skus.length === 1 ? query.skus[0]!.split(',') : query.skus),
});

const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
};

export const ingestsRoute = defineRoute({
  method: 'GET',
  url: '/ingests',
  scope: 'read',
  tags: ['dashboard'],
  summary: 'The ingest history, newest first: files (by name), rows accepted, rejected and new',
  querystring: Type.Object(Page, { additionalProperties: false }),
  response: Type.Object({
    total: Type.Integer(),
    ingests: Type.Array(
      Type.Object({
        ingest_id: Type.Integer(),
        started_at: NullableText,
        at: NullableText,
        rows: Num,
        rejected: Num,
        rows_new: Num,
        files: Type.Array(
          Type.Object({
            file_id: Type.Integer(),
            file: Type.String(),
            kind: NullableText,
            layout: NullableText,
            bytes: NullableNum,
            rows: Num,
            rejected: Num,
            rows_new: Num,
          }),
        ),
      }),
    ),
  }),
  handler: async ({ ctx, query }) =>
    ingestHistory(ctx.reader, {
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.offset !== undefined ? { offset: query.offset } : {}),
    }),
});

export const cleaningReportRoute = defineRoute({
  method: 'GET',
  url: '/cleaning-report',
  scope: 'read',
  tags: ['dashboard'],
  summary: 'Every cleaning rule with the rows and units it touched over the workspace, and totals',
  querystring: Type.Object({}, { additionalProperties: false }),
  response: Type.Object({
    rules: Type.Array(Type.Object({ rule: Type.String(), description: Type.String(), rows: Num, units: Num })),
    totals: Type.Object({ rows: Num, demand_rows: Num, demand_units: Num, rejected: Num }),
  }),
  handler: async ({ ctx }) => cleaningSummary(ctx.reader),
});

export const rejectedRowsRoute = defineRoute({
  method: 'GET',
  url: '/rejected-rows',
  scope: 'read',
  tags: ['dashboard'],
  summary: 'Rejected rows with file, line, reason and the raw text as read (data, never markup)',
  querystring: Type.Object(
    {
      file: Type.Optional(
        Type.String({ minLength: 1, maxLength: 300, description: 'a file name as /ingests lists it' }),
      ),
      ...Page,
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    total: Type.Integer(),
    rows: Type.Array(Type.Object({ file: Type.String(), line: Num, reason: Type.String(), raw: Type.String() })),
  }),
  handler: async ({ ctx, query }) =>
    rejectedRows(ctx.reader, {
      ...(query.file !== undefined ? { file: query.file } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.offset !== undefined ? { offset: query.offset } : {}),
    }),
});

export const dashboardRoutes = [
  summaryRoute,
  skuTableRoute,
  sparklinesRoute,
  ingestsRoute,
  cleaningReportRoute,
  rejectedRowsRoute,
];
