/**
 * The HTTP service (`shopcast serve`): a thin, secure shell over the pipeline's use cases. Fastify 5 with TypeBox
 * route schemas (server/route.ts), OpenAPI 3.1 at /openapi.json and a docs page at /docs (served from the package),
 * API keys with scopes read ⊂ write ⊂ admin (pipeline/keys.ts), a per-key rate limit, server-sent events, uploads,
 * Prometheus metrics, structured logs with request ids, and a graceful shutdown.
 *
 * Start-up: the workspace is opened (migrated), derived tables a crash left stale are rebuilt, a reader connection
 * serves reads, a WriteLock serialises writes, the event log opens; then `setup` (the coordinator's wiring: the job
 * runner, the upload hook, more routes) runs, and `listen` starts answering. `close` stops accepting, lets requests
 * under way finish, ends event streams, closes the jobs hook, drains the WriteLock and closes DuckDB.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { InputError } from '../data/errors.js';
import { EventLog } from '../pipeline/events.js';
import { JobRunner } from '../pipeline/jobs.js';
import { launchModelPending, warmLaunchModel } from '../pipeline/launch.js';
import { type SkuAnswer, skuAnswers } from './routes/skus.js';
import { closeRefreshWorkers } from '../pipeline/refresh.js';
import { KeyVerifier, type Principal, scopeAllows } from '../pipeline/keys.js';
import { WriteLock } from '../pipeline/write-lock.js';
import { ensureCleanTables } from '../store/clean.js';
import { Workspace, type WorkspaceOptions } from '../store/workspace.js';
import type { ServerContext } from './context.js';
import { ErrorBody, HttpError, installErrorHandling } from './errors.js';
import { ServerMetrics } from './metrics.js';
import type { Route, RouteAuthConfig, ServerApp } from './route.js';
import { alertRoutes } from './routes/alerts.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { keyRoutes } from './routes/keys.js';
import { launchRoutes } from './routes/launches.js';
import { DOCS_COOKIE, systemRoutes } from './routes/system.js';
import { uploadRoutes } from './routes/uploads.js';
import { liveRoutes } from './routes/live.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { planRoutes } from './routes/plans.js';
import { skuRoutes } from './routes/skus.js';
import { overrideRoutes } from './routes/overrides.js';
import { LiveUpdates } from './live-updates.js';
import { SkuCache } from './sku-cache.js';
import { EventStreams } from './sse.js';
import { TicketStore } from './tickets.js';
import { registerWebApp } from './web-app.js';

/** Options of `createServer`: the workspace, where to listen, CORS, rate limit, upload limit, logging. */
export interface ServerOptions {
  /** the workspace folder (created when there is none) */
  workspace: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 8080; 0 picks a free port */
  port?: number;
  /** origins allowed by CORS (default none: CORS off) */
  corsOrigins?: readonly string[];
  /** per key (per client address before auth), default 6,000 requests a minute */
  rateLimit?: { max: number; windowMs: number };
  /** the largest uploaded file, bytes (default 1 GB) */
  maxUploadBytes?: number;
  /** Fastify's (pino) logger: false (default) for none, true for JSON lines on stdout, or pino options */
  logger?: boolean | Record<string, unknown>;
  /** the event stream's heartbeat period (default 15 s) */
  heartbeatMs?: number;
  /** unsent bytes beyond which a slow event-stream client is disconnected (default 4 MiB; it resumes by id) */
  eventBufferBytes?: number;
  /** DuckDB settings */
  workspaceOptions?: WorkspaceOptions;
  /** routes beyond the built-in ones (the coordinator's: order batches, SKUs, jobs, monitoring…) */
  routes?: readonly Route[];
  /**
   * The coordinator's wiring, run once the context exists and before listening: set `ctx.jobs` (JobRunner.open with
   * `ctx.lock` and `ctx.events.publish`), `ctx.onUpload`, add routes with `route(app, ctx)`.
   */
  setup?: (app: ServerApp, ctx: ServerContext) => void | Promise<void>;
  /** serve the dashboard (dist/web) at `/` (default true) */
  dashboard?: boolean;
}

/**
 * Requests a key may make per window unless `rateLimit` says otherwise (429 with Retry-After beyond).
 * @example createServer({ workspace: '.shopcast', rateLimit: DEFAULT_RATE_LIMIT })
 */
export const DEFAULT_RATE_LIMIT = { max: 6000, windowMs: 60_000 } as const;
/**
 * The largest upload accepted unless `maxUploadBytes` says otherwise (413 beyond, nothing kept): 1 GiB.
 * @example createServer({ workspace: '.shopcast', maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES / 4 })
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;

/** The package version (package.json), for /health and the OpenAPI document. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A URL as logged: ticket values hidden. */
function redactUrl(url: string): string {
  return url.replace(/([?&]ticket=)[^&]*/gi, '$1[redacted]');
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A UTF-16 surrogate without its pair: text no UTF-8 column can hold (DuckDB would store U+FFFD instead). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path (`body.lines[3].sku`) of the first string in `value` holding a lone surrogate, else null. */
export function loneSurrogateAt(value: unknown, at: string): string | null {
  const stack: [unknown, string][] = [[value, at]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return path;
    } else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v).reverse()) stack.push([x, `${path}.${k}`]);
  }
  return null;
}

/**
 * The built-in routes, in the order they are added.
 * @example BUILT_IN_ROUTES.map((r) => `${r.method} ${r.url}`) // ['GET /health', …]
 */
export const BUILT_IN_ROUTES: readonly Route[] = [
  ...systemRoutes,
  ...keyRoutes,
  ...eventRoutes,
  ...uploadRoutes,
  ...alertRoutes,
  ...launchRoutes,
  ...liveRoutes,
  ...skuRoutes,
  ...overrideRoutes,
  ...planRoutes,
  ...monitoringRoutes,
  ...dashboardRoutes,
];

/**
 * The service over one workspace. A resource, hence a class: `createServer`, `listen`, `close`.
 * @example
 * const server = await createServer({ workspace: '.shopcast', port: 0 });
 * await server.listen();
 * const r = await fetch(`${server.url}/health`);
 * await server.close();
 */
export class ShopServer {
  private listening: string | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    readonly app: ServerApp,
    readonly ctx: ServerContext,
    private readonly o: { host: string; port: number },
    private readonly active: ReadonlySet<Promise<unknown>>,
    private readonly shuttingDown: { value: boolean },
  ) {}

  /** Where it listens (`http://127.0.0.1:54321`); throws before `listen`. */
  get url(): string {
    if (this.listening === null) throw new Error('ShopServer.url: not listening yet');
    return this.listening;
  }

  /** Starts answering; resolves with the URL. */
  async listen(): Promise<string> {
    await this.app.listen({ host: this.o.host, port: this.o.port });
    const a = this.app.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    this.listening = `http://${host}:${a.port}`;
    return this.listening;
  }

  /**
   * Graceful shutdown: stop accepting, let requests under way finish, end event streams, close the jobs hook, wait
   * for the WriteLock's queue, close the event log and DuckDB. Safe to call twice.
   */
  close(o: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= (async () => {
      // responses still to come close their connections (keep-alive would hold the shutdown up to its timeout)
      this.shuttingDown.value = true;
      await this.app.close();
      // handlers whose clients left are still running: wait for them before DuckDB closes
      await Promise.all([...this.active]);
      await this.ctx.jobs.close(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs });
      await this.ctx.live.close();
      await closeRefreshWorkers();
      await this.ctx.lock.drain();
      await this.ctx.events.close();
      this.ctx.reader.close();
      this.ctx.ws.close();
    })();
    return this.closing;
  }
}

/**
 * Opens the workspace and builds the service on it (see the module comment); `listen()` starts it.
 * A bad option is an InputError naming it.
 * @example
 * const server = await createServer({ workspace: '.shopcast', port: 8080 });
 * console.log(await server.listen()); // http://127.0.0.1:8080
 */
export async function createServer(o: ServerOptions): Promise<ShopServer> {
  const rate = o.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (!Number.isInteger(rate.max) || rate.max < 1 || !(rate.windowMs >= 1))
    throw new InputError(`serve: rateLimit must be at least 1 request per window, got ${rate.max}`, {
      field: 'rateLimit',
    });
  const maxUploadBytes = o.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (!Number.isInteger(maxUploadBytes) || maxUploadBytes < 1)
    throw new InputError(`serve: maxUploadBytes must be a whole number of bytes ≥ 1, got ${maxUploadBytes}`, {
      field: 'maxUploadBytes',
    });
  const port = o.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InputError(`serve: port must be a whole number from 0 to 65535, got ${port}`, { field: 'port' });

  const ws = await Workspace.open(o.workspace, o.workspaceOptions ?? {});
  let reader: Workspace | undefined;
  let events: EventLog | undefined;
  try {
    await ensureCleanTables(ws);
    reader = await ws.connect();
    events = await EventLog.open(ws);
  } catch (e) {
    reader?.close();
    ws.close();
    throw e;
  }
  const lock = new WriteLock();
  const active = new Set<Promise<unknown>>();
  const skuCache = new SkuCache<SkuAnswer>();
  const metrics = new ServerMetrics(lock);
  metrics.watchLaunchModel(launchModelPending);
  metrics.watchSkuCache(skuCache);
  // the log exists once Fastify does (below); events before that (a crashed job marked failed) are stored all the same
  let log: { error: (o: object, msg: string) => void } = { error: () => {} };
  const emit = (type: string, data: unknown): void => {
    events!.publish(type, data).catch((e: unknown) => log.error({ err: e, type }, 'event not published'));
  };
  const eventLog = events;
  // the launch model, trained in the background when the data changed (warmLaunchModel); stopped at shutdown
  const stopping = new AbortController();
  let warmLaunch = (): void => {};
  let jobs: JobRunner;
  try {
    jobs = await JobRunner.open(ws, {
      lock,
      onEvent: (type, data) => {
        emit(type, data);
        const d = data as { state?: string };
        // a plan or an ingest changes every SKU's answer
        if (type === 'plan.finished' || (type === 'job.finished' && d.state === 'done')) {
          skuCache.invalidate('all');
          warmLaunch();
        }
      },
    });
  } catch (e) {
    await eventLog.close();
    reader.close();
    ws.close();
    throw e;
  }
  const live = new LiveUpdates({
    ws,
    lock,
    events: eventLog,
    onChanged: (skus) => {
      if (skus === 'all') return skuCache.invalidate('all');
      // the re-forecast SKUs that are being read get their answers anew, a few at a time, their previous answers
      // served meanwhile; the cycle's forecast.updated waits for it
      return ctx
        .track(skuCache.refresh(skus, (list, days) => skuAnswers(reader, list, Number(days))))
        .catch((e: unknown) => log.error({ err: e }, 'SKU answers not refreshed'));
    },
    onLag: (seconds) => metrics.observeIngestLag(seconds),
    onCycle: (skus, seconds) => metrics.observeCycle(skus, seconds),
    onError: (e) => log.error({ err: e }, 'live update failed'),
  });
  // SKUs whose batch was stored but not re-forecast when the service last stopped
  void live.resumeAfterRestart().catch((e: unknown) => log.error({ err: e }, 'live update failed'));
  const version = packageVersion();
  const streams = new EventStreams(events, {
    heartbeatMs: o.heartbeatMs ?? 15_000,
    maxBufferBytes: o.eventBufferBytes ?? 4 << 20,
  });
  const ctx: ServerContext = {
    ws,
    reader,
    lock,
    events,
    keys: new KeyVerifier(reader),
    tickets: new TicketStore(),
    metrics,
    jobs,
    live,
    skuCache,
    onUpload: (files, who) => jobs.submit('ingest', { paths: files.map((f) => f.path) }, `${who.name} (${who.keyId})`),
    streams,
    maxUploadBytes,
    uploadsDir: join(ws.dir, 'uploads'),
    version,
    startedAt: Date.now(),
    write: (fn) => lock.run(() => fn(ws)),
    stopping: stopping.signal,
    emit,
    track: (p) => {
      const settled = p.then(
        () => undefined,
        () => undefined,
      );
      active.add(settled);
      void settled.then(() => active.delete(settled));
      return p;
    },
  };

  // one warm at a time, at most one more queued (it reads the data as it is when it starts)
  let warming: Promise<unknown> = Promise.resolve();
  let queued = false;
  warmLaunch = () => {
    if (queued || stopping.signal.aborted) return;
    queued = true;
    warming = ctx.track(
      warming
        .then(() => {
          queued = false;
          if (stopping.signal.aborted) return null;
          return warmLaunchModel({ reader, write: ctx.write, signal: stopping.signal });
        })
        .catch((e: unknown) => {
          if (!stopping.signal.aborted) log.error({ err: e }, 'launch model not trained');
        }),
    );
  };

  const logger =
    o.logger === undefined || o.logger === false
      ? false
      : {
          level: 'info',
          ...(typeof o.logger === 'object' ? o.logger : {}),
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.query.ticket', 'ticket', 'token'],
            censor: '[redacted]',
          },
          serializers: {
            req: (r: FastifyRequest) => ({ method: r.method, url: redactUrl(r.url), remoteAddress: r.ip }),
          },
        };
  const app = Fastify({
    logger,
    genReqId: (raw) => {
      const given = raw.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 16 << 20,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  log = app.log;
  app.decorateRequest('principal', null);
  installErrorHandling(app);

  app.addSchema(ErrorBody);
  await app.register(swagger, {
    // shared schemas (addSchema) appear in components.schemas under their $id
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'shopcast',
        version,
        description:
          'Demand planning for online shops, as a service. Every route but /health needs an API key ' +
          '(`Authorization: Bearer sc_…`); scopes nest: admin ⊃ write ⊃ read.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key: sc_<id>_<secret>' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: false } });
  if (o.corsOrigins !== undefined && o.corsOrigins.length > 0)
    await app.register(cors, {
      origin: [...o.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining'],
    });
  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 20, fields: 20, parts: 40, fieldSize: 1 << 20 },
  });

  // auth: before anything else reads the request (the rate limit counts per key, after this)
  const corsOn = o.corsOrigins !== undefined && o.corsOrigins.length > 0;
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const cfg = (req.routeOptions.config ?? {}) as RouteAuthConfig;
    if (cfg.scope === 'public' || (corsOn && req.method === 'OPTIONS')) return;
    const needed = cfg.scope ?? 'read';
    let who: Principal | null = null;
    const header = req.headers.authorization;
    const ticket = (req.query as Record<string, unknown> | undefined)?.['ticket'];
    if (header !== undefined) {
      const m = /^Bearer +(\S+)$/i.exec(header);
      who = m === null ? null : await ctx.keys.verify(m[1]!);
    } else if (cfg.ticket !== undefined && typeof ticket === 'string') who = ctx.tickets.redeem(ticket, cfg.ticket);
    else if (req.url === '/docs' || req.url.startsWith('/docs/')) {
      const session = cookie(req, DOCS_COOKIE);
      if (session !== undefined) who = ctx.tickets.peek(session, 'docs-session');
    }
    if (who === null)
      throw new HttpError(401, 'unauthorized', 'a valid API key is required: Authorization: Bearer <token>');
    if (!scopeAllows(who.scope, needed))
      throw new HttpError(403, 'forbidden', `this needs a key with the '${needed}' scope; this key has '${who.scope}'`);
    req.principal = who;
  });
  await app.register(rateLimit, {
    global: true,
    max: rate.max,
    timeWindow: rate.windowMs,
    hook: 'preParsing',
    keyGenerator: (req) => (req.principal !== null ? `key:${req.principal.keyId}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, c) =>
      new HttpError(429, 'rate_limited', `more than ${c.max} requests in the window; retry in ${c.after}`),
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route };
    ctx.metrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    ctx.metrics.latency.observe(labels, reply.elapsedTime / 1000);
  });
  // text that cannot be stored as it is sent is refused, never silently altered (a key's name, a launch's, a why)
  app.addHook('preHandler', async (req) => {
    const at = loneSurrogateAt(req.body, 'body') ?? loneSurrogateAt(req.params, 'path');
    if (at !== null)
      throw new HttpError(400, 'invalid_request', `${at} is not valid Unicode text (a lone UTF-16 surrogate)`, at);
  });
  app.addHook('preClose', async () => {
    stopping.abort(new Error('the service is shutting down'));
    streams.endAll();
  });
  // once shutting down, every response closes its connection, so that no idle keep-alive holds the shutdown up
  const shuttingDown = { value: false };
  app.addHook('onSend', async (_req, reply) => {
    // no answer is ever sniffed into another type (a JSON error echoing markup shown as HTML)
    reply.header('x-content-type-options', 'nosniff');
    if (shuttingDown.value) reply.header('connection', 'close');
  });

  for (const route of [...BUILT_IN_ROUTES, ...(o.routes ?? [])]) route(app, ctx);
  if (o.dashboard !== false) await registerWebApp(app);
  try {
    await o.setup?.(app, ctx);
  } catch (e) {
    await new ShopServer(app, ctx, { host: o.host ?? '127.0.0.1', port }, active, shuttingDown).close();
    throw e;
  }
  warmLaunch();
  return new ShopServer(app, ctx, { host: o.host ?? '127.0.0.1', port }, active, shuttingDown);
}
