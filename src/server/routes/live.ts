/** Live data: order lines posted as JSON batches, stock snapshots. */
import { Type } from 'typebox';
import { postStockSnapshot } from '../../pipeline/order-batch.js';
import { defineRoute } from '../route.js';

const Text = (max: number) => Type.String({ maxLength: max });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()]));

const OrderLine = Type.Object(
  {
    order_id: Type.String({ minLength: 1, maxLength: 100 }),
    ordered_at: Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601, e.g. 2011-12-09T12:50:00' }),
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    quantity: Type.Number({ description: 'negative: a return' }),
    unit_price: Type.Number(),
    customer_id: Nullable(Text(100)),
    country: Nullable(Text(100)),
    channel: Nullable(Text(100)),
    description: Nullable(Text(1000)),
  },
  { additionalProperties: false },
);

export const postOrderLinesRoute = defineRoute({
  method: 'POST',
  url: '/order-lines',
  scope: 'write',
  tags: ['live'],
  summary: 'Stores a batch of order lines (all or nothing; the same line twice is one line) and re-forecasts its SKUs',
  description:
    'A bad line refuses the whole batch with a 400 naming it (`lines[3].quantity`). The answer comes once the batch ' +
    'is stored; its SKUs are cleaned and re-forecast within seconds, announced by a `forecast.updated` event ' +
    'that lists the batch id.',
  body: Type.Object(
    { lines: Type.Array(OrderLine, { minItems: 1, maxItems: 10_000 }) },
    { additionalProperties: false },
  ),
  response: Type.Object({
    batch_id: Type.Integer(),
    lines: Type.Integer(),
    lines_new: Type.Integer(),
    skus: Type.Array(Type.String()),
    first_date: Type.String(),
    last_date: Type.String(),
  }),
  handler: async ({ ctx, body }) => {
    // the SKUs' answers change when their cycle has cleaned and re-forecast them (LiveUpdates' onChanged), not now
    return ctx.live.postBatch(body.lines);
  },
});

/**
 * Bounds on a posted stock row's numbers: a lead time of 1e308 days passed every check and then broke each refresh
 * of the SKU (an array of lead-time length: "Invalid typed array length"); quantities and costs beyond 10¹² are typos.
 */
const MAX_LEAD_DAYS = 3660;
const MAX_QUANTITY = 1e12;

const StockRow = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    on_hand: Type.Number({ maximum: MAX_QUANTITY }),
    on_order: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    lead_time_days: Nullable(Type.Number({ maximum: MAX_LEAD_DAYS })),
    lead_time_sd_days: Nullable(Type.Number({ maximum: MAX_LEAD_DAYS })),
    unit_cost: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    order_cost: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    holding_rate: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    moq: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    pack_size: Nullable(Type.Number({ maximum: MAX_QUANTITY })),
    supplier: Nullable(Text(200)),
    location: Nullable(Text(200)),
  },
  { additionalProperties: false },
);

export const postStockRoute = defineRoute({
  method: 'POST',
  url: '/stock',
  scope: 'write',
  tags: ['live'],
  summary: 'Stores a stock snapshot (all or nothing) and re-forecasts the positions of its SKUs',
  body: Type.Object(
    {
      date: Type.Optional(
        Type.String({ format: 'date', description: 'the day counted (default: the last sales day)' }),
      ),
      rows: Type.Array(StockRow, { minItems: 1, maxItems: 100_000 }),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    batch_id: Type.Integer(),
    rows: Type.Integer(),
    skus: Type.Array(Type.String()),
    date: Type.String(),
  }),
  handler: async ({ ctx, body }) => {
    // cleaned by the live cycle, as order batches are (a snapshot of nothing available is a known stock-out)
    const r = await ctx.write(async (ws) => {
      const posted = await postStockSnapshot(ws, body.rows, {
        deferClean: true,
        ...(body.date === undefined ? {} : { date: body.date }),
      });
      ctx.live.clean(posted.skus);
      return posted;
    });
    ctx.skuCache.invalidate(r.skus);
    return r;
  },
});

export const liveRoutes = [postOrderLinesRoute, postStockRoute];
