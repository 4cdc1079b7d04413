/** Launch plans (products without history) and explanations of the global model's forecasts. */
import { Type } from 'typebox';
import { explainSku } from '../../pipeline/explain.js';
import { planLaunch, trackLaunches } from '../../pipeline/launch.js';
import { defineRoute } from '../route.js';

const Date_ = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const Week = Type.Object(
  {
    week_start: Type.String(),
    mean: Type.Number(),
    p05: Type.Number(),
    p25: Type.Number(),
    p50: Type.Number(),
    p75: Type.Number(),
    p95: Type.Number(),
  },
  { additionalProperties: true },
);

const Candidate = Type.Object({ week_start: Type.String(), expected_units: Type.Number() });

const LaunchPlan = Type.Object(
  {
    name: Type.String(),
    sku: Type.Union([Type.String(), Type.Null()]),
    launch_date: Type.String(),
    data_until: Type.String(),
    price: Type.Number(),
    forecast: Type.Array(Week, { description: 'weekly units from the launch week, mean and quantiles' }),
    analogs: Type.Array(
      Type.Object(
        {
          sku: Type.String(),
          description: Type.String(),
          similarity: Type.Number(),
          // items untyped: a week not complete is NaN in the plan, null in JSON (the serializer refuses NaN numbers)
          curve: Type.Array(Type.Unknown({ description: 'units of the week, a number; null: week not complete' }), {
            description: 'its own weekly units since its launch',
          }),
        },
        { additionalProperties: true },
      ),
    ),
    initial_stock: Type.Object(
      { units: Type.Number(), service_level: Type.Number(), cover_weeks: Type.Integer(), cover_mean: Type.Number() },
      { additionalProperties: true },
    ),
    best_week: Type.Object({ week_start: Type.String(), reason: Type.String() }),
    weeks_compared: Type.Array(Candidate),
    saved: Type.Boolean(),
  },
  { additionalProperties: true, description: 'the launch plan (pipeline/launch.ts LaunchPlan)' },
);

export const planLaunchRoute = defineRoute({
  method: 'POST',
  url: '/launches',
  scope: 'write',
  tags: ['launches'],
  summary: 'A launch plan for a product without history: forecast, analogs, initial stock, best launch week',
  description:
    'The launch model is trained once per data version (new files, a new day of sales, changed cleaning settings) ' +
    'and kept in memory and in the workspace. The service trains it in the background (a worker thread) at start-up, ' +
    'after a plan and after an ingest; a call while it trains waits for that training, later ones answer from it. ' +
    '`save: true` (with `sku`) stores the plan for GET /launches.',
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      category: Type.Optional(Type.String({ maxLength: 200 })),
      price: Type.Number({ exclusiveMinimum: 0 }),
      date: Type.Optional(Date_),
      sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      save: Type.Optional(
        Type.Boolean({ description: 'store the plan to track it against its sales (needs sku; default: with a sku)' }),
      ),
      weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
      serviceLevel: Type.Optional(Type.Number({ minimum: 0.05, maximum: 0.95 })),
      coverWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
      candidates: Type.Optional(Type.Integer({ minimum: 1, maximum: 52 })),
    },
    { additionalProperties: false },
  ),
  response: LaunchPlan,
  // read through the reader and trained in a worker thread: only storing the model (and a saved plan) takes the lock
  handler: async ({ ctx, body }) =>
    planLaunch(
      { reader: ctx.reader, write: (fn) => ctx.write(fn), ...(ctx.stopping ? { signal: ctx.stopping } : {}) },
      body,
    ),
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
