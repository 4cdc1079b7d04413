/** Forecast monitoring: accuracy of every stored forecast against what sold, champion / challenger, model roles. */
import { Type } from 'typebox';
import {
  championChallenger,
  forecastAccuracy,
  modelRoles,
  monitorForecasts,
  promoteChallenger,
  setModelRoles,
} from '../../pipeline/monitor.js';
import { defineRoute } from '../route.js';

const Num = Type.Union([Type.Number(), Type.Null()]);

export const accuracyRoute = defineRoute({
  method: 'GET',
  url: '/accuracy',
  scope: 'read',
  tags: ['monitoring'],
  summary: 'Accuracy of the stored forecasts against the sales (stock-out days excluded), grouped',
  description:
    'WAPE, MASE (scaled by the in-sample seasonal-naive error of the 365 days up to the origin), bias, pinball ' +
    'loss and the coverage of the 50/90/99 % bands, per forecast run, SKU, ABC-XYZ class, horizon step or week.',
  querystring: Type.Object(
    {
      by: Type.Enum(['run', 'sku', 'class', 'step', 'week']),
      role: Type.Optional(Type.Enum(['champion', 'challenger'])),
      source: Type.Optional(Type.Enum(['plan', 'live', 'backtest'])),
      run: Type.Optional(Type.Integer({ minimum: 1 })),
      sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      from: Type.Optional(Type.String({ format: 'date' })),
      to: Type.Optional(Type.String({ format: 'date' })),
      max_step: Type.Optional(Type.Integer({ minimum: 1, maximum: 1100 })),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    rows: Type.Array(
      Type.Object({
        key: Type.String(),
        n: Type.Integer(),
        actual: Type.Number(),
        wape: Num,
        mase: Num,
        bias: Num,
        pinball: Num,
        coverage50: Num,
        coverage90: Num,
        coverage99: Num,
      }),
    ),
  }),
  handler: async ({ ctx, query }) => ({
    rows: await forecastAccuracy(ctx.reader, {
      by: query.by,
      ...(query.role !== undefined ? { role: query.role } : {}),
      ...(query.source !== undefined ? { source: query.source } : {}),
      ...(query.run !== undefined ? { runId: query.run } : {}),
      ...(query.sku !== undefined ? { sku: query.sku } : {}),
      ...(query.from !== undefined ? { from: query.from } : {}),
      ...(query.to !== undefined ? { to: query.to } : {}),
      ...(query.max_step !== undefined ? { maxStep: query.max_step } : {}),
    }),
  }),
});

export const monitorRoute = defineRoute({
  method: 'POST',
  url: '/monitor',
  scope: 'write',
  tags: ['monitoring'],
  summary: 'Scores the forecasts now: tracking-signal, coverage and drift alerts, and sales anomalies',
  description: 'The service also does this by itself whenever a new day of sales arrives.',
  body: Type.Optional(Type.Object({}, { additionalProperties: false })),
  response: Type.Object({
    as_of: Type.Union([Type.String(), Type.Null()]),
    alerts: Type.Array(Type.Unknown()),
    anomalies: Type.Array(Type.Unknown()),
    cleared: Type.Integer(),
  }),
  handler: async ({ ctx }) => {
    const r = await ctx.write((ws) => monitorForecasts(ws));
    for (const alert of r.alerts) ctx.emit('alert.raised', { alert });
    return r;
  },
});

const Roles = Type.Object({ champion: Type.String(), challenger: Type.Union([Type.String(), Type.Null()]) });

export const getModelsRoute = defineRoute({
  method: 'GET',
  url: '/models',
  scope: 'read',
  tags: ['monitoring'],
  summary: 'The champion model and the challenger running beside it',
  response: Roles,
  handler: async ({ ctx }) => modelRoles(ctx.reader),
});

export const putModelsRoute = defineRoute({
  method: 'PUT',
  url: '/models',
  scope: 'admin',
  tags: ['monitoring'],
  summary: 'Sets the champion and the challenger (null: none) from the next re-forecast on',
  body: Type.Object(
    {
      champion: Type.String({ minLength: 1, maxLength: 40 }),
      challenger: Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()]),
    },
    { additionalProperties: false },
  ),
  response: Roles,
  handler: async ({ ctx, body }) => ctx.write((ws) => setModelRoles(ws, body)),
});

export const championChallengerRoute = defineRoute({
  method: 'GET',
  url: '/champion-challenger',
  scope: 'read',
  tags: ['monitoring'],
  summary: 'Live accuracy of the champion and the challenger over time, with a Diebold–Mariano test',
  querystring: Type.Object(
    { weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 520, default: 8 })) },
    { additionalProperties: false },
  ),
  response: Type.Object(
    { champion: Type.String(), challenger: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: true },
  ),
  handler: async ({ ctx, query }) => championChallenger(ctx.reader, { weeks: query.weeks ?? 8 }),
});

export const promoteRoute = defineRoute({
  method: 'POST',
  url: '/champion-challenger/promote',
  scope: 'admin',
  tags: ['monitoring'],
  summary: 'The challenger becomes the champion (and the champion the challenger)',
  body: Type.Optional(Type.Object({}, { additionalProperties: false })),
  response: Roles,
  handler: async ({ ctx }) => ctx.write((ws) => promoteChallenger(ws)),
});

export const monitoringRoutes = [
  accuracyRoute,
  monitorRoute,
  getModelsRoute,
  putModelsRoute,
  championChallengerRoute,
  promoteRoute,
];
