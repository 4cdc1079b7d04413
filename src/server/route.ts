/**
 * One schema per route (CONVENTIONS §20): `defineRoute` takes a route's method, URL, scope, TypeBox schemas for its
 * body, query, path parameters and response, and its handler; the same schemas validate the request (a 400 naming the
 * field), type the handler's input and output, and document the route in the OpenAPI document (with its security
 * and its error responses). Adding a route is one `defineRoute` in a routes file and one entry in that file's list.
 * @example
 * export const ping = defineRoute({
 *   method: 'GET', url: '/ping', scope: 'read', tags: ['system'], summary: 'Answers pong',
 *   querystring: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1 })) }),
 *   response: Type.Object({ pong: Type.Integer() }),
 *   handler: async ({ query }) => ({ pong: query.n ?? 1 }),
 * });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from 'typebox';
import type { Principal, Scope } from '../pipeline/keys.js';
import type { ServerContext } from './context.js';
import { HttpError } from './errors.js';
import type { TicketPurpose } from './tickets.js';

/** The largest id a path may name: ids are stored as 32-bit INTEGER (a larger one is a 400, never a SQL overflow). */
export const MAX_ID = 2_147_483_647;
/** The largest paging offset (a larger one is a 400, never a SQL overflow). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** The Fastify instance routes are added to (TypeBox types). */
export type ServerApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who may call a route: a key with this scope (or a higher one), or anyone (`public`: /health only). */
export type Access = Scope | 'public';

/** What the auth hook reads from a route's config. */
export interface RouteAuthConfig {
  scope?: Access;
  /** the route also accepts `?ticket=` of this purpose instead of a Bearer header */
  ticket?: TicketPurpose;
}

type In<S> = S extends TSchema ? Static<S> : undefined;

/** What a handler receives: the validated input, typed by the schemas, and who calls. */
export interface RouteInput<B, Q, P> {
  body: In<B>;
  query: In<Q>;
  params: In<P>;
  /** the caller's key (null only on public routes) */
  who: Principal | null;
  ctx: ServerContext;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A route's declaration for `defineRoute`: method, URL, scope, schemas, handler. */
export interface RouteSpec<B, Q, P, R extends TSchema> {
  method: HTTPMethods;
  url: string;
  scope: Access;
  tags: readonly string[];
  summary: string;
  description?: string;
  body?: B;
  querystring?: Q;
  params?: P;
  /** the success response's body */
  response: R;
  /** the success status (default 200) */
  status?: number;
  /** error statuses the route may answer beyond 400/401/403/429 (documented), e.g. [404] */
  errors?: readonly number[];
  /** media types the body may have (default application/json) */
  consumes?: readonly string[];
  /** media types of the success response (default application/json) */
  produces?: readonly string[];
  ticket?: TicketPurpose;
  /** false: not counted by the per-key rate limit (/health) */
  rateLimit?: false;
  /**
   * Returns the response body; a handler that answered itself (a stream: reply.hijack / reply.send) returns
   * undefined.
   */
  handler: (input: RouteInput<B, Q, P>) => Promise<Static<R> | undefined>;
}

/** A route ready to add: `route(app, ctx)`. */
export type Route = ((app: ServerApp, ctx: ServerContext) => void) & { readonly method: string; readonly url: string };

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid request: the field and the reason are named',
  401: 'no API key, or a wrong or revoked one',
  403: 'the key lacks the scope this needs',
  404: 'not found',
  409: 'conflict',
  413: 'too large',
  415: 'unsupported media type',
  429: 'rate limit exceeded: see Retry-After',
};

/**
 * A route from its spec (see the module comment).
 * @example
 * const ping = defineRoute({ method: 'GET', url: '/ping', scope: 'read', tags: ['system'], summary: 'pong',
 *   response: Type.Object({ pong: Type.Boolean() }), handler: async () => ({ pong: true }) });
 */
export function defineRoute<
  B extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  P extends TSchema | undefined = undefined,
  R extends TSchema = TSchema,
>(spec: RouteSpec<B, Q, P, R>): Route {
  const status = spec.status ?? 200;
  const errors = [...(spec.scope === 'public' ? [] : [400, 401, 403, 429]), ...(spec.errors ?? [])];
  const response: Record<number, unknown> = { [status]: spec.response };
  // the error body by reference: one `ErrorBody` in the document's components (create-server.ts adds it)
  for (const code of [...new Set(errors)].sort())
    response[code] = { $ref: 'ErrorBody#', description: ERROR_TEXT[code] };
  const schema = {
    tags: [...spec.tags],
    summary: spec.summary,
    description:
      (spec.description !== undefined ? `${spec.description}\n\n` : '') +
      (spec.scope === 'public' ? 'No key needed.' : `Needs a key with scope \`${spec.scope}\` or higher.`),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(spec.querystring !== undefined ? { querystring: spec.querystring } : {}),
    ...(spec.params !== undefined ? { params: spec.params } : {}),
    ...(spec.consumes !== undefined ? { consumes: [...spec.consumes] } : {}),
    ...(spec.produces !== undefined ? { produces: [...spec.produces] } : {}),
    security: spec.scope === 'public' ? [] : [{ bearer: [] }],
    response,
  };
  const config: RouteAuthConfig & { rateLimit?: false } = {
    scope: spec.scope,
    ...(spec.ticket !== undefined ? { ticket: spec.ticket } : {}),
    ...(spec.rateLimit === false ? { rateLimit: false } : {}),
  };
  const route = (app: ServerApp, ctx: ServerContext): void => {
    app.route({
      method: spec.method,
      url: spec.url,
      schema,
      config,
      handler: async (request, reply) => {
        const who = request.principal;
        if (spec.scope !== 'public' && who === null) throw new HttpError(401, 'unauthorized', 'no API key');
        const out = await ctx.track(
          spec.handler({
            body: request.body as In<B>,
            query: request.query as In<Q>,
            params: request.params as In<P>,
            who,
            ctx,
            request,
            reply,
          }),
        );
        if (reply.sent) return reply;
        return reply.code(status).send(out);
      },
    });
  };
  return Object.assign(route, { method: String(spec.method), url: spec.url });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the caller's key, set by the auth hook (null on public routes) */
    principal: Principal | null;
  }
}
