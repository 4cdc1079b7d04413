/** Alerts: list with filters and paging, acknowledge. */
import { Type } from 'typebox';
import { acknowledge, alertsPage } from '../../pipeline/alerts.js';
import { HttpError } from '../errors.js';
import { MAX_ID, MAX_OFFSET, defineRoute } from '../route.js';

const Kind = Type.Enum(['stockout', 'tracking_signal', 'coverage', 'drift', 'anomaly']);

/** An alert as the routes answer it (GET /alerts, GET /summary). */
export const Alert = Type.Object({
  alert_id: Type.Integer(),
  created_at: Type.String(),
  sku: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  message: Type.String(),
  data: Type.Unknown(),
  acknowledged_at: Type.Union([Type.String(), Type.Null()]),
  acknowledged_by: Type.Union([Type.String(), Type.Null()]),
  cleared_at: Type.Union([Type.String(), Type.Null()]),
});

export const listAlertsRoute = defineRoute({
  method: 'GET',
  url: '/alerts',
  scope: 'read',
  tags: ['alerts'],
  summary: 'Alerts, newest first, with filters and paging',
  querystring: Type.Object(
    {
      kind: Type.Optional(Kind),
      sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      status: Type.Optional(
        Type.Enum(['open', 'unacknowledged', 'acknowledged', 'all'], {
          description: 'open (default): not cleared; acknowledged / unacknowledged among the open; all',
        }),
      ),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({ total: Type.Integer(), alerts: Type.Array(Alert) }),
  handler: async ({ ctx, query }) =>
    alertsPage(ctx.reader, {
      ...(query.kind !== undefined ? { kind: query.kind } : {}),
      ...(query.sku !== undefined ? { sku: query.sku } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.offset !== undefined ? { offset: query.offset } : {}),
    }),
});

export const ackAlert = defineRoute({
  method: 'POST',
  url: '/alerts/:id/ack',
  scope: 'write',
  tags: ['alerts'],
  summary: 'Acknowledges an alert (who and when are kept)',
  params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) }),
  errors: [404],
  response: Type.Object({ alert: Alert }),
  handler: async ({ ctx, params, who }) => {
    const alert = await ctx.write((ws) => acknowledge(ws, params.id, `${who!.name} (${who!.keyId})`));
    if (alert === null) throw new HttpError(404, 'not_found', `no alert ${params.id}`, 'path.id');
    return { alert };
  },
});

export const alertRoutes = [listAlertsRoute, ackAlert];
