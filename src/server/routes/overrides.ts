/** Forecast overrides of one SKU: add (the order suggestion is recomputed at once), list, remove (kept, marked). */
import { Type } from 'typebox';
import { addForecastOverride, listForecastOverrides, removeForecastOverride } from '../../pipeline/overrides.js';
import { HttpError } from '../errors.js';
import { MAX_ID, defineRoute } from '../route.js';

const Date_ = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Override = Type.Object({
  override_id: Type.Integer(),
  sku: Type.String(),
  from: Type.String(),
  to: Type.String(),
  kind: Type.Union([Type.Literal('uplift_pct'), Type.Literal('units')]),
  value: Type.Number(),
  reason: Type.String(),
  created_by: Type.String(),
  created_at: Type.String(),
  removed_by: Nullable(Type.String()),
  removed_at: Nullable(Type.String()),
});

const Result = Type.Object({
  override: Override,
  order: Nullable(
    Type.Object(
      { order_qty: Type.Number(), order_by: Nullable(Type.String()), forecast_28: Type.Number() },
      { additionalProperties: true, description: "the SKU's recomputed order suggestion (sku_state)" },
    ),
  ),
  forecast: Nullable(
    Type.Object(
      { days: Type.Array(Type.Object({ date: Type.String() }, { additionalProperties: true })) },
      { additionalProperties: true, description: 'as GET /skus/{sku} forecast: overrides applied, base_mean kept' },
    ),
  ),
});

const SkuParams = Type.Object({ sku: Type.String({ minLength: 1, maxLength: 100 }) });

export const addOverrideRoute = defineRoute({
  method: 'POST',
  url: '/skus/:sku/overrides',
  scope: 'write',
  tags: ['skus'],
  summary: "Overrides a SKU's forecast over a period (a % uplift or units in all); its order is recomputed at once",
  description:
    'uplift_pct scales the mean and every quantile of the days of the period by (1 + value/100). units is the ' +
    "total for the period, spread over its days in proportion to the model's mean (closed days keep 0), each day's " +
    'quantiles scaled by the same ratio. Stored with who (the key name) and why; the plan and the live refresh apply ' +
    'every active override.',
  params: SkuParams,
  body: Type.Object(
    {
      from: Date_,
      to: Date_,
      kind: Type.Union([Type.Literal('uplift_pct'), Type.Literal('units')]),
      value: Type.Number(),
      reason: Type.String({ minLength: 1, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
  status: 201,
  errors: [404],
  response: Result,
  handler: async ({ ctx, params, body, who }) => {
    const r = await ctx.write((ws) => addForecastOverride(ws, params.sku, body, who?.name ?? 'unknown'));
    if (r === null)
      throw new HttpError(404, 'not_found', `no planned SKU '${params.sku}' in the workspace`, 'path.sku');
    ctx.skuCache.invalidate([params.sku]);
    return r;
  },
});

export const listOverridesRoute = defineRoute({
  method: 'GET',
  url: '/skus/:sku/overrides',
  scope: 'read',
  tags: ['skus'],
  summary: "A SKU's forecast overrides: the active ones, or every one with ?all=true (removed ones marked)",
  params: SkuParams,
  querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  response: Type.Object({ overrides: Type.Array(Override) }),
  handler: async ({ ctx, params, query }) => ({
    overrides: await listForecastOverrides(ctx.reader, params.sku, { all: query.all === true }),
  }),
});

export const removeOverrideRoute = defineRoute({
  method: 'DELETE',
  url: '/skus/:sku/overrides/:id',
  scope: 'write',
  tags: ['skus'],
  summary: 'Removes a forecast override (kept, marked removed with who); the order is recomputed at once',
  params: Type.Object({
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  }),
  errors: [404],
  response: Result,
  handler: async ({ ctx, params, who }) => {
    const r = await ctx.write((ws) => removeForecastOverride(ws, params.sku, params.id, who?.name ?? 'unknown'));
    if (r === null)
      throw new HttpError(404, 'not_found', `SKU '${params.sku}' has no active override ${params.id}`, 'path.id');
    ctx.skuCache.invalidate([params.sku]);
    return r;
  },
});

export const overrideRoutes = [addOverrideRoute, listOverridesRoute, removeOverrideRoute];
