/** SKUs: the list (search, filters, sorts, paging), one SKU in full, forecasts for many. */
import { createReadStream, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Type } from 'typebox';
import { forecastsExport } from '../../pipeline/forecasts-export.js';
import { listSkus, skuDetails } from '../../pipeline/skus.js';
import { pacer } from '../../store/pace.js';
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

/** One GET /skus/{sku} answer as sent: its JSON's UTF-8 bytes, and those bytes gzipped (for clients that accept it). */
export interface SkuAnswer {
  json: Buffer;
  gzip: Buffer;
}

const gzipped = promisify(gzip);

/**
 * GET /skus/{sku}'s answers (`skuDetail` as the UTF-8 bytes of its JSON, and gzipped: zlib works in libuv's threads,
 * not the main one; JSON null for an unknown SKU) of several SKUs, read in one query: what the route computes on a
 * cache miss and the cache refreshes after a re-forecast. A SKU's answer is ≈ 60 KB of JSON, ≈ 10 times less gzipped.
 * @example (await skuAnswers(reader, ['85123A'], 365)).get('85123A')!.json.toString() // '{"sku":"85123A",…}'
 */
export async function skuAnswers(
  reader: Workspace,
  skus: readonly string[],
  days: number,
): Promise<Map<string, SkuAnswer>> {
  // a few milliseconds of the main thread at a time: the requests waiting run in between
  const pace = pacer(4);
  const details = await skuDetails(reader, skus, { historyDays: days, pace });
  const answers: Promise<readonly [string, SkuAnswer]>[] = [];
  for (const [sku, d] of details) {
    const json = Buffer.from(JSON.stringify(d));
    answers.push(gzipped(json).then((gz) => [sku, { json, gzip: gz }] as const));
    await pace();
  }
  return new Map(await Promise.all(answers));
}

/** The JSON of `skuAnswers` for a SKU the workspace does not have. */
const NO_SKU = Buffer.from('null');

/**
 * True when an Accept-Encoding header takes gzip: listed (or `*`) with a quality above 0, and not refused by name
 * (RFC 9110 §12.5.3).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const ok = Number.isFinite(quality) && quality > 0;
    if (name === 'gzip' || name === 'x-gzip') return ok;
    if (name === '*') star = ok;
  }
  return star;
}

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
  handler: async ({ ctx, params, query, request, reply }) => {
    const days = query.history_days ?? 365;
    const answer = await ctx.skuCache.get(params.sku, String(days), async () =>
      (await skuAnswers(ctx.reader, [params.sku], days)).get(params.sku)!,
    );
    if (answer.json.equals(NO_SKU))
      throw new HttpError(404, 'not_found', `no SKU '${params.sku}' in the workspace`, 'path.sku');
    reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    if (gzip) reply.header('content-encoding', 'gzip');
    await reply.send(gzip ? answer.gzip : answer.json);
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
