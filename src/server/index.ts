/** The HTTP service: `createServer`, the route helper, the error type, the context the coordinator wires. */
export {
  createServer,
  ShopServer,
  BUILT_IN_ROUTES,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_RATE_LIMIT,
} from './create-server.js';
export type { ServerOptions } from './create-server.js';
export type { ServerContext, UploadedFile } from './context.js';
export { HttpError, ErrorBody } from './errors.js';
export { defineRoute } from './route.js';
export type { Access, Route, RouteInput, RouteSpec, ServerApp } from './route.js';
export { ServerMetrics } from './metrics.js';
