/** Launch plans (products without history) and explanations of the global model's forecasts. */
import { Type } from 'typebox';
import { explainSku } from '../../pipeline/explain.js';
import { planLaunch, trackLaunches } from '../../pipeline/launch.js';
import { defineRoute } from '../route.js';

const Date_ = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const LaunchPlan = Type.Object(
  {
    name: Type.String(),
    sku: Type.Union([Type.String(), Type.Null()]),
    launch_date: Type.String(),
    data_until: Type.String(),
    price: Type.Number(),
    forecast: Type.Array(
      Type.Object({ week_start: Type.String(), mean: Type.Number() }, { additionalProperties: true }),
    ),
    initial_stock: Type.Object(
      { units: Type.Number(), service_level: Type.Number(), cover_weeks: Type.Integer(), cover_mean: Type.Number() },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true, description: 'the launch plan (pipeline/launch.ts LaunchPlan)' },
);

export const planLaunchRoute = defineRoute({
  method: 'POST',
  url: '/launches',
  scope: 'write',
  tags: ['launches'],
  summary: 'A launch plan for a product without history (stored when a sku is given)',
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      category: Type.Optional(Type.String({ maxLength: 200 })),
      price: Type.Number({ exclusiveMinimum: 0 }),
      date: Type.Optional(Date_),
      sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
      serviceLevel: Type.Optional(Type.Number({ minimum: 0.05, maximum: 0.95 })),
      coverWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
      candidates: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
    },
    { additionalProperties: false },
  ),
  response: LaunchPlan,
  handler: async ({ ctx, body }) => ctx.write((ws) => planLaunch(ws, body)),
});

export const trackLaunchesRoute = defineRoute({
  method: 'GET',
  url: '/launches',
  scope: 'read',
  tags: ['launches'],
  summary: 'Stored launches against their sales since',
  response: Type.Object({
    launches: Type.Array(
      Type.Object(
        { sku: Type.String(), name: Type.String(), launch_date: Type.String(), status: Type.String() },
        { additionalProperties: true },
      ),
    ),
  }),
  handler: async ({ ctx }) => ({ launches: await trackLaunches(ctx.reader) }),
});

export const explanation = defineRoute({
  method: 'GET',
  url: '/skus/:sku/explanation',
  scope: 'read',
  tags: ['skus'],
  summary: 'Why the stored global model forecasts what it does for a SKU and day (TreeSHAP)',
  params: Type.Object({ sku: Type.String({ minLength: 1, maxLength: 100 }) }),
  querystring: Type.Object({ date: Type.Optional(Date_) }, { additionalProperties: false }),
  response: Type.Object({ sku: Type.String() }, { additionalProperties: true }),
  handler: async ({ ctx, params, query }) => explainSku(ctx.reader, params.sku, query.date),
});

export const launchRoutes = [planLaunchRoute, trackLaunchesRoute, explanation];
