/**
 * Validation and hostile input end to end, over real HTTP: 400s naming the field and the reason, malformed JSON,
 * SQL metacharacters in string parameters, unknown routes; and the OpenAPI document against its golden file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { raiseAlerts } from '../src/store/alerts.js';
import { REPO } from './helpers.js';
import { type Harness, json, startServer } from './server-harness.js';

let h: Harness;
before(async () => {
  h = await startServer();
  await h.server.ctx.write((ws) =>
    raiseAlerts(ws, [
      { sku: '85123A', kind: 'stockout', severity: 'critical', message: 'runs out on 2011-11-20' },
      { sku: "O'Brien; DROP TABLE alerts;--", kind: 'drift', severity: 'warning', message: 'drifting' },
    ]),
  );
});
after(() => h.stop());

const ct = { 'content-type': 'application/json' };

test('a bad query is a 400 naming the field and the reason', async () => {
  const cases: [string, string, RegExp][] = [
    ['/alerts?limit=abc', 'query.limit', /must be integer/],
    ['/alerts?limit=0', 'query.limit', /must be >= 1/],
    ['/alerts?limit=5000', 'query.limit', /must be <= 1000/],
    ['/alerts?kind=fire', 'query.kind', /must be one of stockout, tracking_signal/],
    ['/alerts?status=closed', 'query.status', /must be one of open/],
    ['/alerts?colour=red', 'query.colour', /is not a known field/],
    ['/skus/85123A/explanation?date=yesterday', 'query.date', /must match format "date"/],
  ];
  for (const [path, field, reason] of cases) {
    const r = await json(h.call(path, { as: 'read' }));
    assert.equal(r.status, 400, path);
    assert.equal(r.body.error.code, 'invalid_request', path);
    assert.equal(r.body.error.field, field, path);
    assert.match(r.body.error.message, reason, path);
    assert.ok(!/at \w+ \(|node_modules|\.js:\d+/.test(JSON.stringify(r.body)), 'no stack trace');
  }
  const badId = await json(h.call('/alerts/abc/ack', { method: 'POST', as: 'write' }));
  assert.equal(badId.status, 400);
  assert.equal(badId.body.error.field, 'path.id');
});

test('a bad body is a 400 naming the field; malformed or empty JSON is a 400 too', async () => {
  const post = (body: string): ReturnType<typeof json> => json(h.call('/keys', { method: 'POST', headers: ct, body }));
  const missing = await post(JSON.stringify({ name: 'x' }));
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'body.scope');
  assert.match(missing.body.error.message, /is required/);
  const wrong = await post(JSON.stringify({ name: 'x', scope: 'root' }));
  assert.equal(wrong.body.error.field, 'body.scope');
  assert.match(wrong.body.error.message, /must be one of read, write, admin/);
  const extra = await post(JSON.stringify({ name: 'x', scope: 'read', admin: true }));
  assert.equal(extra.status, 400);
  assert.equal(extra.body.error.field, 'body.admin');
  const empty = await post(JSON.stringify({ name: '', scope: 'read' }));
  assert.equal(empty.body.error.field, 'body.name');
  const launch = await json(
    h.call('/launches', { method: 'POST', headers: ct, as: 'write', body: JSON.stringify({ name: 'Mug', price: -1 }) }),
  );
  assert.equal(launch.status, 400);
  assert.equal(launch.body.error.field, 'body.price');
  for (const body of ['{"name": "x",', 'not json', '{"name": "x", "scope": "read"}}']) {
    const r = await post(body);
    assert.equal(r.status, 400, body);
    assert.equal(r.body.error.code, 'malformed_json', body);
    assert.equal(r.body.error.field, 'body');
  }
  const none = await json(h.call('/keys', { method: 'POST', headers: ct }));
  assert.equal(none.status, 400);
  assert.equal(none.body.error.code, 'malformed_json');
  const text = await json(h.call('/keys', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }));
  assert.equal(text.status, 400);
  assert.equal(text.body.error.field, 'body');
  const xml = await json(
    h.call('/keys', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' }),
  );
  assert.equal(xml.status, 415);
  assert.equal(xml.body.error.code, 'unsupported_media_type');
});

test('a library InputError is a 400 with its field; an unknown route is a JSON 404', async () => {
  // no global model in this workspace: explain's InputError
  const r = await json(h.call('/skus/85123A/explanation', { as: 'read' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_input');
  assert.match(r.body.error.message, /no global model/);
  const launches = await json(h.call('/launches', { as: 'read' }));
  assert.deepEqual(launches, { status: 200, headers: launches.headers, body: { launches: [] } });
  const nf = await json(h.call('/no/such/route?x=1', { as: 'read' }));
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.body, { error: { code: 'not_found', message: 'no route GET /no/such/route' } });
});

test('SQL metacharacters in string parameters are values, never SQL', async () => {
  const all = await json(h.call('/alerts?status=all', { as: 'read' }));
  assert.equal(all.body.total, 2);
  for (const sku of ["' OR '1'='1", "x' OR 1=1 --", '85123A; DROP TABLE alerts', '%', '_', '\\', '"', '$1']) {
    const r = await json(h.call(`/alerts?sku=${encodeURIComponent(sku)}`, { as: 'read' }));
    assert.equal(r.status, 200, sku);
    assert.equal(r.body.total, 0, sku);
  }
  const exact = await json(h.call(`/alerts?sku=${encodeURIComponent("O'Brien; DROP TABLE alerts;--")}`));
  assert.equal(exact.body.total, 1);
  assert.equal(exact.body.alerts[0].sku, "O'Brien; DROP TABLE alerts;--");
  // a key name with metacharacters is stored as it is; a key id with them revokes nothing
  const name = "x'); DELETE FROM api_keys; --";
  const made = await json(
    h.call('/keys', { method: 'POST', headers: ct, body: JSON.stringify({ name, scope: 'read' }) }),
  );
  assert.equal(made.status, 201);
  assert.equal(made.body.key.name, name);
  for (const id of ["' OR '1'='1", '1 OR 1=1', "x'; UPDATE api_keys SET revoked_at = now(); --"]) {
    const r = await h.call(`/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
    assert.equal(r.status, 404, id);
  }
  const keys = await json(h.call('/keys'));
  assert.equal(keys.body.keys.length, 4);
  assert.ok(keys.body.keys.every((k: { revoked_at: string | null }) => k.revoked_at === null));
  const sqlSku = encodeURIComponent("'; DROP TABLE alerts; --");
  const ex = await json(h.call(`/skus/${sqlSku}/explanation`, { as: 'read' }));
  assert.equal(ex.status, 400);
  assert.equal((await json(h.call('/alerts?status=all'))).body.total, 2, 'the alerts table is intact');
});

test('acknowledging an alert keeps who and when; a second acknowledgement keeps the first', async () => {
  const list = await json(h.call('/alerts?sku=85123A', { as: 'read' }));
  const id = list.body.alerts[0].alert_id as number;
  const ack = await json(h.call(`/alerts/${id}/ack`, { method: 'POST', as: 'write' }));
  assert.equal(ack.status, 200);
  assert.match(ack.body.alert.acknowledged_by, /^writer \(/);
  assert.ok(ack.body.alert.acknowledged_at !== null);
  const again = await json(h.call(`/alerts/${id}/ack`, { method: 'POST', as: 'admin' }));
  assert.equal(again.body.alert.acknowledged_by, ack.body.alert.acknowledged_by);
  const open = await json(h.call('/alerts?status=acknowledged', { as: 'read' }));
  assert.deepEqual(
    open.body.alerts.map((a: { alert_id: number }) => a.alert_id),
    [id],
  );
});

/**
 * The OpenAPI document is a golden file (CONVENTIONS §12). When it differs (a route was added or changed) and CI is
 * not 'true', the new one is written beside it as openapi.json.changed: review the diff, then regenerate with
 * `cp test/golden/openapi.json.changed test/golden/openapi.json`.
 */
test('the OpenAPI 3.1 document equals test/golden/openapi.json', async () => {
  const r = await h.call('/openapi.json', { as: 'read' });
  assert.equal(r.status, 200);
  const doc = (await r.json()) as {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[] }>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.components.securitySchemes['bearer'], {
    type: 'http',
    scheme: 'bearer',
    description: 'an API key: sc_<id>_<secret>',
  });
  assert.deepEqual(doc.paths['/health']!['get']!.security, []);
  assert.deepEqual(doc.paths['/alerts']!['get']!.security, [{ bearer: [] }]);
  const text = JSON.stringify(doc, null, 2) + '\n';
  const path = join(REPO, 'test/golden/openapi.json');
  const golden = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (text !== golden) {
    if (process.env['CI'] !== 'true') writeFileSync(`${path}.changed`, text);
    assert.fail(
      'the OpenAPI document differs from test/golden/openapi.json; review test/golden/openapi.json.changed, then ' +
        'cp test/golden/openapi.json.changed test/golden/openapi.json',
    );
  }
});
