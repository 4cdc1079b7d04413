/** Plans and their purchase orders: run a plan (a job), read, approve, override, export per supplier; jobs. */
import { Type } from 'typebox';
import {
  approveOrders,
  overrideOrder,
  planOrders,
  planPurchaseOrders,
  purchaseOrderCsv,
  supplierOrdersCsv,
} from '../../pipeline/orders.js';
import { HttpError } from '../errors.js';
import { MAX_ID, MAX_OFFSET, defineRoute } from '../route.js';

const Job = Type.Object(
  {
    job_id: Type.Integer(),
    kind: Type.String(),
    state: Type.String(),
    progress: Type.Number(),
    label: Type.String(),
    params: Type.Unknown(),
    result: Type.Unknown(),
    error: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

const whoText = (who: { name: string; keyId: string } | null): string =>
  who === null ? 'unknown' : `${who.name} (${who.keyId})`;

export const submitPlanRoute = defineRoute({
  method: 'POST',
  url: '/plans',
  scope: 'write',
  tags: ['plans'],
  summary:
    'Runs a plan as a job (forecast, life cycle, stock policy, orders); follow it with GET /jobs/{id} or /events',
  body: Type.Object(
    {
      horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 1096 })),
      serviceLevel: Type.Optional(Type.Number({ exclusiveMinimum: 0.5, exclusiveMaximum: 1 })),
      budget: Type.Optional(Type.Number({ minimum: 0 })),
      model: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      currency: Type.Optional(Type.String({ minLength: 1, maxLength: 4 })),
      asOf: Type.Optional(Type.String({ format: 'date' })),
    },
    { additionalProperties: false },
  ),
  status: 202,
  response: Job,
  handler: async ({ ctx, body, who }) => ctx.jobs.submit('plan', body, whoText(who)),
});

const RunParams = Type.Object({ run: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

const Orders = Type.Object(
  {
    run_id: Type.Integer(),
    as_of: Type.String(),
    orders: Type.Array(Type.Object({ sku: Type.String() }, { additionalProperties: true })),
    suppliers: Type.Array(Type.Object({ supplier: Type.String() }, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export const latestOrdersRoute = defineRoute({
  method: 'GET',
  url: '/plans/latest/orders',
  scope: 'read',
  tags: ['plans'],
  summary: "The latest plan's purchase orders with their approvals and overrides, by supplier",
  querystring: Type.Object(
    { supplier: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
  errors: [404],
  response: Orders,
  handler: async ({ ctx, query }) => {
    const r = await planOrders(ctx.reader, query.supplier === undefined ? {} : { supplier: query.supplier });
    if (r === null) throw new HttpError(404, 'not_found', 'no plan in the workspace yet: POST /plans');
    return r;
  },
});

export const runOrdersRoute = defineRoute({
  method: 'GET',
  url: '/plans/:run/orders',
  scope: 'read',
  tags: ['plans'],
  summary: "A plan's purchase orders with their approvals and overrides",
  params: RunParams,
  querystring: Type.Object(
    { supplier: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  ),
  errors: [404],
  response: Orders,
  handler: async ({ ctx, params, query }) => {
    const r = await planOrders(ctx.reader, {
      runId: params.run,
      ...(query.supplier === undefined ? {} : { supplier: query.supplier }),
    });
    if (r === null) throw new HttpError(404, 'not_found', `no plan run ${params.run}`, 'path.run');
    return r;
  },
});

export const approveRoute = defineRoute({
  method: 'POST',
  url: '/plans/:run/orders/approve',
  scope: 'write',
  tags: ['plans'],
  summary: 'Approves orders (the given SKUs, or every order with a quantity); who and when are kept',
  params: RunParams,
  body: Type.Object(
    { skus: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100_000 })) },
    { additionalProperties: false },
  ),
  response: Type.Object({ approved: Type.Integer() }),
  handler: async ({ ctx, params, body, who }) => {
    const r = await ctx.write((ws) =>
      approveOrders(ws, { runId: params.run, who: whoText(who), ...(body.skus ? { skus: body.skus } : {}) }),
    );
    ctx.skuCache.invalidate(body.skus ?? 'all');
    return r;
  },
});

export const overrideRoute = defineRoute({
  method: 'POST',
  url: '/plans/:run/orders/:sku/override',
  scope: 'write',
  tags: ['plans'],
  summary: "Overrides an order's quantity; who and why are kept (a quantity the MOQ or packs refuse is a 400)",
  description:
    'The quantity must be 0 (no order) or at least the MOQ in whole packs; a 400 otherwise names `quantity` and ' +
    'gives `suggested`, the nearest valid quantity. `qty` and `why` are the older names of `quantity` and `reason`.',
  params: Type.Object({
    run: Type.Integer({ minimum: 1, maximum: MAX_ID }),
    sku: Type.String({ minLength: 1, maxLength: 100 }),
  }),
  body: Type.Object(
    {
      quantity: Type.Optional(Type.Number({ minimum: 0 })),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      qty: Type.Optional(Type.Number({ minimum: 0 })),
      why: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  response: Type.Object(
    {
      sku: Type.String(),
      final_qty: Type.Number(),
      moq: Type.Number(),
      pack_size: Type.Number(),
      unit_cost: Type.Union([Type.Number(), Type.Null()]),
      lead_time_days: Type.Number(),
      risk: Type.Union([Type.Number(), Type.Null()]),
    },
    { additionalProperties: true },
  ),
  handler: async ({ ctx, params, body, who }) => {
    const quantity = body.quantity ?? body.qty;
    const reason = body.reason ?? body.why;
    if (quantity === undefined) throw new HttpError(400, 'invalid_request', 'body.quantity is required', 'quantity');
    if (reason === undefined) throw new HttpError(400, 'invalid_request', 'body.reason is required', 'reason');
    const r = await ctx.write((ws) =>
      overrideOrder(ws, { runId: params.run, sku: params.sku, quantity, reason, who: whoText(who) }),
    );
    ctx.skuCache.invalidate([params.sku]);
    return r;
  },
});

export const supplierCsvRoute = defineRoute({
  method: 'GET',
  url: '/plans/:run/orders.csv',
  scope: 'read',
  tags: ['plans'],
  summary: "One supplier's purchase order as CSV (final quantities; formula cells neutralised)",
  params: RunParams,
  querystring: Type.Object(
    { supplier: Type.String({ minLength: 1, maxLength: 200, description: "'no supplier' for orders without one" }) },
    { additionalProperties: false },
  ),
  produces: ['text/csv'],
  response: Type.String(),
  handler: async ({ ctx, params, query, reply }) => {
    const csv = await supplierOrdersCsv(ctx.reader, { runId: params.run, supplier: query.supplier });
    const name = query.supplier.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'supplier';
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="orders-${name}.csv"`);
    await reply.send(csv);
    return undefined;
  },
});

export const purchaseOrdersRoute = defineRoute({
  method: 'GET',
  url: '/plans/:run/purchase-orders',
  scope: 'read',
  tags: ['plans'],
  summary:
    "A plan's purchase orders per supplier and location (lines, units, value) and its transfers between locations",
  params: RunParams,
  errors: [404],
  response: Type.Object(
    {
      run_id: Type.Integer(),
      as_of: Type.String(),
      purchase_orders: Type.Array(Type.Object({ po_id: Type.String() }, { additionalProperties: true })),
      transfers: Type.Array(Type.Object({ sku: Type.String() }, { additionalProperties: true })),
    },
    { additionalProperties: true },
  ),
  handler: async ({ ctx, params }) => planPurchaseOrders(ctx.reader, params.run),
});

export const purchaseOrderCsvRoute = defineRoute({
  method: 'GET',
  url: '/plans/:run/purchase-orders.csv',
  scope: 'read',
  tags: ['plans'],
  summary: 'One purchase order (a supplier, a location) as CSV, to send (formula cells neutralised)',
  params: RunParams,
  querystring: Type.Object(
    { po: Type.String({ minLength: 1, maxLength: 40, pattern: '^PO-[0-9]+$', description: 'the po_id, e.g. PO-2' }) },
    { additionalProperties: false },
  ),
  produces: ['text/csv'],
  response: Type.String(),
  handler: async ({ ctx, params, query, reply }) => {
    const csv = await purchaseOrderCsv(ctx.reader, { runId: params.run, poId: query.po });
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${query.po}.csv"`);
    await reply.send(csv);
    return undefined;
  },
});

export const listJobsRoute = defineRoute({
  method: 'GET',
  url: '/jobs',
  scope: 'read',
  tags: ['jobs'],
  summary: 'Jobs (ingests of uploads, plans), newest first',
  querystring: Type.Object(
    {
      state: Type.Optional(Type.Enum(['queued', 'running', 'done', 'failed', 'cancelled'])),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
      offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({ total: Type.Integer(), jobs: Type.Array(Job) }),
  handler: async ({ ctx, query }) => ctx.jobs.list(query),
});

export const jobRoute = defineRoute({
  method: 'GET',
  url: '/jobs/:id',
  scope: 'read',
  tags: ['jobs'],
  summary: "A job's state, progress and result",
  params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) }),
  errors: [404],
  response: Job,
  handler: async ({ ctx, params }) => {
    const j = await ctx.jobs.get(params.id);
    if (j === null) throw new HttpError(404, 'not_found', `no job ${params.id}`, 'path.id');
    return j;
  },
});

export const cancelJobRoute = defineRoute({
  method: 'POST',
  url: '/jobs/:id/cancel',
  scope: 'write',
  tags: ['jobs'],
  summary: 'Cancels a queued or running job (nothing of it is stored)',
  params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) }),
  errors: [404],
  response: Job,
  handler: async ({ ctx, params, who }) => {
    const j = await ctx.jobs.cancel(params.id, whoText(who));
    if (j === null) throw new HttpError(404, 'not_found', `no job ${params.id}`, 'path.id');
    return j;
  },
});

export const planRoutes = [
  submitPlanRoute,
  latestOrdersRoute,
  runOrdersRoute,
  approveRoute,
  overrideRoute,
  supplierCsvRoute,
  purchaseOrdersRoute,
  purchaseOrderCsvRoute,
  listJobsRoute,
  jobRoute,
  cancelJobRoute,
];
