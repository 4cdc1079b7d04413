/**
 * The dashboard (issue #20) as the service serves it: the Vite build in `dist/web` — hashed assets under /assets/
 * cached for a year, and index.html (never cached) for every page URL the app routes, so a browser opening or
 * reloading /products/85123A gets the app. These routes need no key (the page holds no data; the app asks for a key
 * and sends it with each API call) and are left out of the OpenAPI document. The HTML answer carries a strict
 * Content-Security-Policy: scripts and connections only from this service.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { HttpError } from './errors.js';
import type { ServerApp } from './route.js';

/** The page URLs the dashboard's router knows (router in src/web/app.tsx). */
export const PAGE_PATHS = [
  '/',
  '/login',
  '/products',
  '/products/*',
  '/orders',
  '/launch',
  '/forecast-accuracy',
  '/data',
] as const;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the built dashboard is: dist/web beside dist/src (null when it was not built). */
export function builtWebRoot(): string | null {
  const root = fileURLToPath(new URL('../../web/', import.meta.url));
  return existsSync(`${root}index.html`) ? root : null;
}

/** Adds the dashboard's routes; without a build, the page URLs answer 404 saying how to build it. */
export async function registerWebApp(app: ServerApp, root: string | null = builtWebRoot()): Promise<void> {
  const config = { scope: 'public', rateLimit: false };
  if (root === null) {
    for (const url of PAGE_PATHS)
      app.get(url, { schema: { hide: true }, config }, async () => {
        throw new HttpError(404, 'not_found', 'the dashboard is not built: run `npm run build`');
      });
    return;
  }
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', index: false });
  app.get('/assets/*', { schema: { hide: true }, config }, (req, reply) => {
    const file = (req.params as { '*': string })['*'];
    return reply.sendFile(`assets/${file}`, { immutable: true, maxAge: '365d', cacheControl: true });
  });
  for (const url of PAGE_PATHS)
    app.get(url, { schema: { hide: true }, config }, (_req, reply) =>
      reply
        .header('content-security-policy', CSP)
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .sendFile('index.html', { cacheControl: false }),
    );
}
