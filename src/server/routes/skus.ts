/** SKUs: the list (search, filters, sorts, paging), one SKU in full, forecasts for many. */
import { createReadStream, rmSync } from 'node:fs';
import { Type } from 'typebox';
import { forecastsExport } from '../../pipeline/forecasts-export.js';
import { listSkus, skuDetails } from '../../pipeline/skus.js';
import type { Workspace } from '../../store/workspace.js';
import { HttpError } from '../errors.js';
import { defineRoute } from '../route.js';

const Sku = Type.String({ minLength: 1, maxLength: 100 });

export const listSkusRoute = defineRoute({
  method: 'GET',
  url: '/skus',
  scope: 'read',
  tags: ['skus'],
  summary: 'SKUs with their position, forecast and order suggestion: search, filter, sort, page',
  querystring: Type.Object(
    {
      search: Type.Optional(
        Type.String({ maxLength: 200, description: 'a literal substring of SKU, name, description' }),
      ),
      abc: Type.Optional(Type.Enum(['A', 'B', 'C'])),
      xyz: Type.Optional(Type.Enum(['X', 'Y', 'Z'])),
      stage: Type.Optional(Type.String({ maxLength: 40 })),
      alert: Type.Optional(Type.Enum(['any', 'stockout', 'tracking_signal', 'coverage', 'drift', 'anomaly'])),
      supplier: Type.Optional(Type.String({ maxLength: 200 })),
      sort: Type.Optional(Type.Enum(['risk', 'revenue', 'days_of_stock', 'forecast_change', 'sku'])),
      order: Type.Optional(Type.Enum(['asc', 'desc'])),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
      offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    total: Type.Integer(),
    items: Type.Array(Type.Object({ sku: Type.String() }, { additionalProperties: true })),
  }),
  handler: async ({ ctx, query }) => listSkus(ctx.reader, query),
});

/**
 * GET /skus/{sku}'s answers (`skuDetail` as the UTF-8 bytes of its JSON; `NO_SKU` for an unknown SKU) of several
 * SKUs, read in one query: what the route computes on a cache miss and the cache refills after a re-forecast.
 * @example (await skuAnswers(reader, ['85123A'], 365)).get('85123A')!.toString() // '{"sku":"85123A",…}'
 */
export async function skuAnswers(
  reader: Workspace,
  skus: readonly string[],
  days: number,
): Promise<Map<string, Buffer>> {
  const details = await skuDetails(reader, skus, { historyDays: days });
  return new Map([...details].map(([sku, d]) => [sku, Buffer.from(JSON.stringify(d))]));
}

/** The answer of `skuAnswers` for a SKU the workspace does not have (JSON null). */
const NO_SKU = Buffer.from('null');

export const skuRoute = defineRoute({
  method: 'GET',
  url: '/skus/:sku',
  scope: 'read',
  tags: ['skus'],
  summary: 'One SKU in full: clean history, forecast with quantiles, model, stage and evidence, stock, order, alerts',
  params: Type.Object({ sku: Sku }),
  querystring: Type.Object(
    { history_days: Type.Optional(Type.Integer({ minimum: 7, maximum: 3660, default: 365 })) },
    { additionalProperties: false },
  ),
  errors: [404],
  response: Type.Object(
    { sku: Type.String() },
    { additionalProperties: true, description: 'pipeline/skus.ts SkuDetail' },
  ),
  handler: async ({ ctx, params, query, reply }) => {
    const days = query.history_days ?? 365;
    const json = await ctx.skuCache.get(params.sku, String(days), async () =>
      (await skuAnswers(ctx.reader, [params.sku], days)).get(params.sku)!,
    );
    if (json.equals(NO_SKU))
      throw new HttpError(404, 'not_found', `no SKU '${params.sku}' in the workspace`, 'path.sku');
    await reply.type('application/json; charset=utf-8').send(json);
    return undefined;
  },
});

export const forecastsRoute = defineRoute({
  method: 'GET',
  url: '/forecasts',
  scope: 'read',
  tags: ['skus'],
  summary: 'The latest forecasts of many SKUs as JSON, CSV or Parquet (by Accept, or ?format=)',
  querystring: Type.Object(
    {
      sku: Type.Optional(Type.Array(Sku, { maxItems: 10_000, description: 'repeat for several; none: every SKU' })),
      horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 1100 })),
      format: Type.Optional(Type.Enum(['json', 'csv', 'parquet'])),
    },
    { additionalProperties: false },
  ),
  produces: ['application/json', 'text/csv', 'application/vnd.apache.parquet'],
  response: Type.Unknown({ description: 'forecasts: sku, date, mean, p05, p25, p50, p75, p95, model' }),
  handler: async ({ ctx, query, request, reply }) => {
    const accept = request.headers.accept ?? '';
    const format = query.format ?? (/text\/csv/.test(accept) ? 'csv' : /parquet/.test(accept) ? 'parquet' : 'json');
    const out = await forecastsExport(ctx.reader, {
      format,
      ...(query.sku !== undefined ? { skus: query.sku } : {}),
      ...(query.horizon !== undefined ? { horizon: query.horizon } : {}),
    });
    reply.type(out.contentType);
    if ('body' in out) {
      await reply.send(out.body);
      return undefined;
    }
    const stream = createReadStream(out.path);
    stream.on('close', () => rmSync(out.path, { force: true }));
    reply.header('content-disposition', 'attachment; filename="forecasts.parquet"');
    await reply.send(stream);
    return undefined;
  },
});

export const skuRoutes = [listSkusRoute, skuRoute, forecastsRoute];
