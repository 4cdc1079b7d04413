/** Auth end to end, over real HTTP: keys, scopes, 401/403, revocation, rate limit, request ids, docs, metrics. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Type } from 'typebox';
import { defineRoute } from '../src/server/route.js';
import { type Harness, json, startServer } from './server-harness.js';

let h: Harness;
const logLines: string[] = [];
/** A route added the way the coordinator adds one: it fails unexpectedly. */
const boom = defineRoute({
  method: 'GET',
  url: '/boom',
  scope: 'read',
  tags: ['test'],
  summary: 'fails',
  response: Type.Object({ ok: Type.Boolean() }),
  handler: async () => {
    throw new Error('internal detail at /srv/secret/file.js:12');
  },
});
before(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  h = await startServer({ logger: { level: 'info', stream }, routes: [boom] });
});
after(() => h.stop());

test('/health answers without a key; every other route, known or not, answers 401 without one', async () => {
  const health = await json(h.call('/health', { as: 'none' }));
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');
  assert.equal(health.body.workspace, 'ok');
  assert.match(health.body.version, /^\d+\.\d+\.\d+/);
  assert.ok(health.body.uptime_s >= 0);
  for (const path of ['/alerts', '/keys', '/metrics', '/openapi.json', '/docs', '/docs/json', '/events', '/nope']) {
    const r = await json(h.call(path, { as: 'none' }));
    assert.equal(r.status, 401, path);
    assert.equal(r.body.error.code, 'unauthorized', path);
  }
});

test('a wrong, malformed or revoked key is a 401 with the same message; revocation is immediate', async () => {
  const noKey = await json(h.call('/alerts', { as: 'none' }));
  const id = h.tokens.read.split('_')[1]!;
  const wrongSecret = `sc_${id}_${'A'.repeat(43)}`;
  for (const auth of [
    `Bearer ${wrongSecret}`,
    'Bearer nonsense',
    `Basic ${h.tokens.read}`,
    `Bearer sc_ZZZZZZZZZZZZ_x`,
  ]) {
    const r = await json(h.call('/alerts', { as: 'none', headers: { authorization: auth } }));
    assert.equal(r.status, 401, auth);
    assert.deepEqual(r.body, noKey.body, 'no hint which part was wrong');
  }
  // a key of its own, verified (and cached) before it is revoked
  const made = await json(
    h.call('/keys', { method: 'POST', body: JSON.stringify({ name: 'temp', scope: 'read' }), headers: ct }),
  );
  assert.equal(made.status, 201);
  const temp = made.body.token as string;
  assert.match(temp, /^sc_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const withTemp = (): Promise<Response> => fetch(`${h.url}/alerts`, { headers: { authorization: `Bearer ${temp}` } });
  assert.equal((await withTemp()).status, 200);
  assert.equal((await withTemp()).status, 200);
  const revoked = await json(h.call(`/keys/${made.body.key.key_id}`, { method: 'DELETE' }));
  assert.equal(revoked.status, 200);
  assert.ok(revoked.body.key.revoked_at !== null);
  const after = await json(withTemp());
  assert.equal(after.status, 401);
  assert.deepEqual(after.body, noKey.body);
  // revoking an unknown key
  assert.equal((await h.call('/keys/nosuchkey000', { method: 'DELETE' })).status, 404);
});

const ct = { 'content-type': 'application/json' };

test('scopes nest (admin ⊃ write ⊃ read); a missing scope is a 403 naming the scope needed', async () => {
  const readOnWrite = await json(h.call('/alerts/1/ack', { method: 'POST', as: 'read' }));
  assert.equal(readOnWrite.status, 403);
  assert.equal(readOnWrite.body.error.code, 'forbidden');
  assert.match(readOnWrite.body.error.message, /'write' scope/);
  const writeOnAdmin = await json(h.call('/keys', { as: 'write' }));
  assert.equal(writeOnAdmin.status, 403);
  assert.match(writeOnAdmin.body.error.message, /'admin' scope/);
  // higher scopes may do what lower ones may
  assert.equal((await h.call('/alerts', { as: 'write' })).status, 200);
  assert.equal((await h.call('/alerts', { as: 'admin' })).status, 200);
  // write and admin keys pass the write check (no such alert: 404, not 403)
  assert.equal((await h.call('/alerts/999/ack', { method: 'POST', as: 'write' })).status, 404);
  assert.equal((await h.call('/alerts/999/ack', { method: 'POST', as: 'admin' })).status, 404);
});

test('keys are listed without secrets; the store keeps only a scrypt hash', async () => {
  const r = await json(h.call('/keys'));
  assert.equal(r.status, 200);
  const names = r.body.keys.map((k: { name: string }) => k.name);
  for (const n of ['reader', 'writer', 'admin']) assert.ok(names.includes(n));
  const text = JSON.stringify(r.body);
  for (const token of Object.values(h.tokens)) assert.ok(!text.includes(token.slice(16)), 'no secret listed');
  assert.ok(!/hash|salt/.test(text));
  const stored = await h.server.ctx.reader.all<{ hash: string; salt: string }>('SELECT hash, salt FROM api_keys');
  for (const row of stored) {
    assert.match(row.hash, /^[0-9a-f]{64}$/);
    assert.match(row.salt, /^[0-9a-f]{32}$/);
    for (const token of Object.values(h.tokens)) assert.ok(!row.hash.includes(token.slice(16)));
  }
  assert.equal(new Set(stored.map((s) => s.salt)).size, stored.length, 'a salt per key');
});

test('a request id is returned: a safe incoming X-Request-Id is kept, an unsafe one replaced', async () => {
  const kept = await h.call('/health', { as: 'none', headers: { 'x-request-id': 'client-42.a:b' } });
  assert.equal(kept.headers.get('x-request-id'), 'client-42.a:b');
  const replaced = await h.call('/health', { as: 'none', headers: { 'x-request-id': 'bad id<script>' } });
  assert.match(replaced.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  const fresh = await h.call('/health', { as: 'none' });
  assert.match(fresh.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
});

test('CORS is off unless origins are configured', async () => {
  const r = await h.call('/alerts', { headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});

test('/docs: with a Bearer key, or with the cookie a one-time docs ticket gives; the page loads nothing remote', async () => {
  const page = await h.call('/docs/', { as: 'read' });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /swagger/i);
  assert.ok(!/https?:\/\//.test(html.replace(/https?:\/\/[^"' ]*swagger\.io[^"' ]*/g, '')), 'no remote assets');
  const t = await json(h.call('/docs/ticket', { method: 'POST', as: 'read' }));
  assert.equal(t.status, 200);
  const session = await fetch(`${h.url}${t.body.url}`, { redirect: 'manual' });
  assert.equal(session.status, 303);
  const cookie = session.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const value = cookie.split(';')[0]!;
  // the ticket was used up
  assert.equal((await fetch(`${h.url}${t.body.url}`, { redirect: 'manual' })).status, 401);
  const spec = await fetch(`${h.url}/docs/json`, { headers: { cookie: value } });
  assert.equal(spec.status, 200);
  assert.equal(((await spec.json()) as { openapi: string }).openapi, '3.1.0');
  // the docs cookie opens nothing but /docs
  assert.equal((await fetch(`${h.url}/alerts`, { headers: { cookie: value } })).status, 401);
});

test('/metrics: Prometheus text with requests by route and status, latency, the WriteLock, jobs, ingest lag', async () => {
  await h.call('/alerts');
  h.server.ctx.metrics.observeIngestLag(0.8);
  h.server.ctx.metrics.setJobQueue({ queued: 2, running: 1 });
  const r = await h.call('/metrics', { as: 'read' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type')!, /text\/plain/);
  const text = await r.text();
  assert.match(text, /shopcast_http_requests_total\{method="GET",route="\/alerts",status="200"\} \d+/);
  assert.match(text, /shopcast_http_requests_total\{method="GET",route="\/alerts",status="401"\} \d+/);
  assert.match(text, /shopcast_http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/alerts"\}/);
  assert.match(text, /shopcast_write_lock_pending 0/);
  assert.match(text, /shopcast_jobs\{state="queued"\} 2/);
  assert.match(text, /shopcast_ingest_lag_seconds_count 1/);
  assert.match(text, /shopcast_ingest_lag_seconds_bucket\{le="1"\} 1/);
});

test('the per-key rate limit answers 429 with Retry-After; other keys are not affected; CORS when configured', async () => {
  const small = await startServer({ rateLimit: { max: 5, windowMs: 60_000 }, corsOrigins: ['https://shop.example'] });
  try {
    const preflight = await fetch(`${small.url}/alerts`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://shop.example');
    const other = await fetch(`${small.url}/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    for (let i = 0; i < 5; i++) assert.equal((await small.call('/alerts', { as: 'read' })).status, 200);
    const r = await json(small.call('/alerts', { as: 'read' }));
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'rate_limited');
    const retry = Number(r.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((await small.call('/alerts', { as: 'write' })).status, 200, 'another key has its own budget');
    assert.equal((await small.call('/health', { as: 'none' })).status, 200, '/health is not limited');
  } finally {
    await small.stop();
  }
});

test('an unexpected failure is a 500 naming only the request id; the log has it, and never a token or ticket', async () => {
  const r = await json(h.call('/boom', { as: 'read', headers: { 'x-request-id': 'trace-500' } }));
  assert.equal(r.status, 500);
  assert.deepEqual(r.body, {
    error: { code: 'internal', message: 'internal error (request id trace-500); the server log has the details' },
  });
  const t = await json(h.call('/events/ticket', { method: 'POST', as: 'read' }));
  const s = await fetch(`${h.url}/events?ticket=${t.body.ticket}`);
  await s.body?.cancel();
  await new Promise((res) => setTimeout(res, 100));
  const failed = logLines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l['reqId'] === 'trace-500' && l['level'] === 50);
  assert.ok(failed !== undefined, 'the 500 is logged with its request id');
  assert.match(JSON.stringify(failed), /internal detail/);
  const all = logLines.join('\n');
  for (const token of Object.values(h.tokens)) assert.ok(!all.includes(token.slice(16)), 'no secret in the log');
  assert.ok(!all.includes(t.body.ticket), 'no ticket in the log');
  assert.match(all, /ticket=\[redacted\]/);
});
