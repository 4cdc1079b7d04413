/**
 * Server-sent events end to end, over real HTTP: tickets, replay after Last-Event-ID without a gap or a duplicate,
 * live events, heartbeats, a slow client that does not hold the others back, and revocation ending a stream.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, json, startServer } from './server-harness.js';
import { SseClient } from './sse-client.js';

let h: Harness;
before(async () => {
  h = await startServer({ heartbeatMs: 150, eventBufferBytes: 256 * 1024 });
});
after(() => h.stop());

async function ticket(as: 'read' | 'write' | 'admin' = 'read', token?: string): Promise<string> {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const r = await json(h.call('/events/ticket', { method: 'POST', as: token === undefined ? as : 'none', headers }));
  assert.equal(r.status, 200);
  assert.ok(Date.parse(r.body.expires_at) - Date.now() <= 60_000);
  return r.body.ticket as string;
}

test('a client receives events, drops, and resumes with Last-Event-ID: exactly the missed ones, no duplicates', async () => {
  const publish = (n: number): Promise<number> => h.server.ctx.events.publish('test.event', { n });
  const first = await SseClient.open(`${h.url}/events?ticket=${await ticket()}&lastEventId=0`);
  assert.equal(first.status, 200);
  for (let n = 1; n <= 3; n++) await publish(n);
  await first.until(() => first.events.length === 3);
  first.close();
  const lastSeen = first.events.at(-1)!.id;
  // published while the client is away
  const missed: number[] = [];
  for (let n = 4; n <= 7; n++) missed.push(await publish(n));
  const again = await SseClient.open(`${h.url}/events?ticket=${await ticket()}`, { 'last-event-id': String(lastSeen) });
  assert.equal(again.status, 200);
  await again.until(() => again.events.length === 4);
  assert.deepEqual(
    again.events.map((e) => e.id),
    missed,
  );
  assert.deepEqual(
    again.events.map((e) => (e.data as { n: number }).n),
    [4, 5, 6, 7],
  );
  // then live ones, in order, once each
  await publish(8);
  await publish(9);
  await again.until(() => again.events.length === 6);
  assert.deepEqual(
    again.events.map((e) => (e.data as { n: number }).n),
    [4, 5, 6, 7, 8, 9],
  );
  assert.equal(new Set(again.events.map((e) => e.id)).size, 6);
  assert.ok(again.events.every((e) => e.event === 'test.event'));
  // heartbeats keep the stream alive
  await again.until(() => again.comments.some((c) => c.startsWith('heartbeat')), 2000);
  again.close();
  // the stored log is what was sent
  const stored = await h.server.ctx.events.since(lastSeen);
  assert.deepEqual(
    stored.map((e) => e.event_id),
    [...missed, missed.at(-1)! + 1, missed.at(-1)! + 2],
  );
});

test('a ticket is needed (EventSource sends no header), works once, and only for /events', async () => {
  const none = await SseClient.open(`${h.url}/events`);
  assert.equal(none.status, 401);
  const bogus = await SseClient.open(`${h.url}/events?ticket=${'x'.repeat(43)}`);
  assert.equal(bogus.status, 401);
  const t = await ticket();
  const once = await SseClient.open(`${h.url}/events?ticket=${t}`);
  assert.equal(once.status, 200);
  once.close();
  const twice = await SseClient.open(`${h.url}/events?ticket=${t}`);
  assert.equal(twice.status, 401);
  // an events ticket opens nothing else
  const t2 = await ticket();
  assert.equal((await fetch(`${h.url}/alerts?ticket=${t2}`)).status, 401);
  assert.equal((await fetch(`${h.url}/docs/session?ticket=${t2}`, { redirect: 'manual' })).status, 401);
  // a Bearer header works as well (for clients that can send one)
  const bearer = await SseClient.open(`${h.url}/events`, { authorization: `Bearer ${h.tokens.read}` });
  assert.equal(bearer.status, 200);
  bearer.close();
  const bad = await json(h.call('/events?lastEventId=abc', { as: 'read' }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'query.lastEventId');
  const badHeader = await json(h.call('/events', { as: 'read', headers: { 'last-event-id': '1; DROP' } }));
  assert.equal(badHeader.status, 400);
  assert.equal(badHeader.body.error.field, 'header.last-event-id');
});

test('a client that cannot keep up is dropped; the others get every event', async () => {
  // the slow client never reads its body: the server's buffer for it fills up
  const slowAbort = new AbortController();
  const slow = await fetch(`${h.url}/events?ticket=${await ticket()}`, { signal: slowAbort.signal });
  assert.equal(slow.status, 200);
  const fast = await SseClient.open(`${h.url}/events?ticket=${await ticket()}`);
  // more than the loopback socket buffers hold (they grow to a few MB), so the server's own buffer fills
  const big = 'x'.repeat(100_000);
  const ids: number[] = [];
  for (let n = 0; n < 300; n++) ids.push(await h.server.ctx.events.publish('bulk', { n, big }));
  await fast.until(() => fast.events.length === 300, 20_000);
  assert.deepEqual(
    fast.events.map((e) => e.id),
    ids,
  );
  fast.close();
  // 30 MB were published against a 256 KB allowance: the server dropped the slow stream
  const reader = slow.body!.getReader();
  let bytes = 0;
  let dropped = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
  } catch {
    dropped = true;
  }
  assert.ok(dropped || bytes < 300 * 100_000, `the slow client got ${bytes} bytes, then its stream ended`);
  assert.ok(bytes < 300 * 100_000, `the slow client got ${bytes} of ${300 * 100_000} bytes`);
  slowAbort.abort();
});

test('revoking a key ends its open streams and voids its tickets', async () => {
  const made = await json(
    h.call('/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'watcher', scope: 'read' }),
    }),
  );
  const token = made.body.token as string;
  const stream = await SseClient.open(`${h.url}/events?ticket=${await ticket('read', token)}`);
  assert.equal(stream.status, 200);
  const spare = await ticket('read', token);
  h.server.ctx.emit('before.revoke', {}); // what the jobs wiring calls: fire and forget
  await stream.until(() => stream.events.length === 1);
  assert.equal((await h.call(`/keys/${made.body.key.key_id}`, { method: 'DELETE' })).status, 200);
  await stream.until(() => stream.ended, 3000);
  assert.equal((await SseClient.open(`${h.url}/events?ticket=${spare}`)).status, 401);
});
