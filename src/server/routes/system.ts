/** System routes: /health (the only one without a key), /metrics, /openapi.json and the docs session. */
import { Type } from 'typebox';
import { HttpError } from '../errors.js';
import { defineRoute } from '../route.js';

export const health = defineRoute({
  method: 'GET',
  url: '/health',
  scope: 'public',
  rateLimit: false,
  tags: ['system'],
  summary: 'Whether the service is up and its workspace answers',
  response: Type.Object({
    status: Type.Enum(['ok', 'degraded']),
    version: Type.String(),
    workspace: Type.Enum(['ok', 'error']),
    uptime_s: Type.Number(),
  }),
  handler: async ({ ctx }) => {
    let workspace: 'ok' | 'error' = 'ok';
    try {
      await ctx.reader.all('SELECT 1 AS ok');
    } catch {
      workspace = 'error';
    }
    return {
      status: workspace === 'ok' ? ('ok' as const) : ('degraded' as const),
      version: ctx.version,
      workspace,
      uptime_s: Math.round((Date.now() - ctx.startedAt) / 100) / 10,
    };
  },
});

export const metrics = defineRoute({
  method: 'GET',
  url: '/metrics',
  scope: 'read',
  tags: ['system'],
  summary: 'Prometheus metrics (text exposition format)',
  produces: ['text/plain'],
  response: Type.String(),
  handler: async ({ ctx, reply }) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.text();
  },
});

export const openapi = defineRoute({
  method: 'GET',
  url: '/openapi.json',
  scope: 'read',
  tags: ['system'],
  summary: 'This API as an OpenAPI 3.1 document',
  response: Type.Object({}, { additionalProperties: true }),
  handler: async ({ request }) => request.server.swagger() as Record<string, unknown>,
});

export const docsTicket = defineRoute({
  method: 'POST',
  url: '/docs/ticket',
  scope: 'read',
  tags: ['system'],
  summary: 'A one-time ticket that opens the docs page in a browser',
  description: 'Open `/docs/session?ticket=…` within 60 s: it sets an hour-long docs cookie and shows /docs.',
  response: Type.Object({ ticket: Type.String(), expires_at: Type.String(), url: Type.String() }),
  handler: async ({ ctx, who }) => {
    const t = ctx.tickets.issue(who!, 'docs');
    return { ...t, url: `/docs/session?ticket=${t.ticket}` };
  },
});

/** The docs cookie's name; its value is a docs session (tickets.ts). */
export const DOCS_COOKIE = 'shopcast_docs';

export const docsSession = defineRoute({
  method: 'GET',
  url: '/docs/session',
  scope: 'read',
  ticket: 'docs',
  tags: ['system'],
  summary: 'Turns a docs ticket into a docs cookie and redirects to /docs',
  querystring: Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  status: 303,
  response: Type.Null(),
  handler: async ({ ctx, who, reply }) => {
    if (who === null) throw new HttpError(401, 'unauthorized', 'a valid API key is required');
    const session = ctx.tickets.issue(who, 'docs-session', 3_600_000);
    reply
      .header('set-cookie', `${DOCS_COOKIE}=${session.ticket}; Path=/docs; Max-Age=3600; HttpOnly; SameSite=Strict`)
      .header('location', '/docs/')
      .code(303)
      .send();
    return undefined;
  },
});

export const systemRoutes = [health, metrics, openapi, docsTicket, docsSession];
