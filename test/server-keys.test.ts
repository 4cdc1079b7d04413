/** API keys, tickets, safe file names and serve's options, in process. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRate, parseSize } from '../src/cli/commands/serve.js';
import { KeyVerifier, createApiKey, listKeys, revokeKey, scopeAllows } from '../src/pipeline/keys.js';
import { safeFileName, uniqueName } from '../src/server/file-names.js';
import { TicketStore } from '../src/server/tickets.js';
import { withWorkspace } from './helpers.js';

test('scopes nest: admin ⊃ write ⊃ read', () => {
  const grid = (['read', 'write', 'admin'] as const).map((held) =>
    (['read', 'write', 'admin'] as const).map((needed) => scopeAllows(held, needed)),
  );
  assert.deepEqual(grid, [
    [true, false, false],
    [true, true, false],
    [true, true, true],
  ]);
});

test('a key verifies with its token only; the store holds no secret; verification is cached; revocation is immediate', async () => {
  await withWorkspace(async (ws) => {
    const { key, token } = await createApiKey(ws, { name: 'ops', scope: 'write' });
    const other = await createApiKey(ws, { name: 'other', scope: 'read' });
    assert.match(token, new RegExp(`^sc_${key.key_id}_[A-Za-z0-9_-]{43}$`));
    const secret = token.slice(16);
    const rows = await ws.all<Record<string, string>>('SELECT * FROM api_keys');
    assert.ok(!JSON.stringify(rows).includes(secret));
    const v = new KeyVerifier(ws);
    assert.deepEqual(await v.verify(token), { keyId: key.key_id, name: 'ops', scope: 'write' });
    // the cached path: one hash, far below a scrypt
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) await v.verify(token);
    const perCall = Number(process.hrtime.bigint() - t0) / 1000 / 1e6;
    assert.ok(perCall < 1, `cached verification takes ${perCall} ms`);
    // another key's secret under this key's id, a changed character, garbage: refused
    assert.equal(await v.verify(`sc_${key.key_id}_${other.token.slice(16)}`), null);
    assert.equal(await v.verify(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), null);
    assert.equal(await v.verify('sc_x_y'), null);
    assert.equal(await v.verify(''), null);
    await revokeKey(ws, key.key_id);
    assert.ok((await v.verify(token)) !== null, 'cached until the server drops it');
    v.forget(key.key_id);
    assert.equal(await v.verify(token), null);
    const listed = await listKeys(ws);
    assert.deepEqual(
      listed.map((k) => [k.name, k.scope, k.revoked_at !== null]),
      [
        ['ops', 'write', true],
        ['other', 'read', false],
      ],
    );
    await assert.rejects(createApiKey(ws, { name: 'x', scope: 'root' }), /scope must be one of read, write, admin/);
    await assert.rejects(createApiKey(ws, { name: ' ', scope: 'read' }), /name must be 1 to 100/);
  });
});

test('tickets: single use, one purpose, expire, dropped with their key', () => {
  let now = 1_000_000;
  const store = new TicketStore(() => now);
  const who = { keyId: 'K1', name: 'n', scope: 'read' as const };
  const a = store.issue(who, 'events');
  assert.equal(store.redeem(a.ticket, 'docs'), null, 'another purpose');
  assert.deepEqual(store.redeem(a.ticket, 'events'), who);
  assert.equal(store.redeem(a.ticket, 'events'), null, 'used once');
  const b = store.issue(who, 'events');
  now += 60_000;
  assert.equal(store.redeem(b.ticket, 'events'), null, 'expired after 60 s');
  const c = store.issue(who, 'docs-session', 3_600_000);
  assert.deepEqual(store.peek(c.ticket, 'docs-session'), who);
  assert.deepEqual(store.peek(c.ticket, 'docs-session'), who, 'a session is not used up');
  store.dropKey('K1');
  assert.equal(store.peek(c.ticket, 'docs-session'), null);
});

test('upload names: a safe base name whatever the client sends', () => {
  const cases: [string | undefined, string][] = [
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['/abs/path/orders.csv.gz', 'orders.csv.gz'],
    ['..', 'upload'],
    ['...csv', 'csv'],
    ['a\u0000b\nc\r.csv', 'abc.csv'],
    ['<script>alert(1)</script>.csv', 'script_.csv'],
    ['<b onmouseover=x>.csv', '_b onmouseover_x_.csv'],
    ['ünïcödé.csv', '_n_c_d_.csv'],
    ['', 'upload'],
    [undefined, 'upload'],
    ['x'.repeat(300) + '.csv', 'x'.repeat(116) + '.csv'],
  ];
  for (const [given, want] of cases) assert.equal(safeFileName(given), want, String(given));
  const taken = new Set<string>();
  assert.deepEqual(
    ['a.csv', 'a.csv', 'a.csv', 'b'].map((n) => uniqueName(n, taken)),
    ['a.csv', 'a-2.csv', 'a-3.csv', 'b'],
  );
});

test('serve options: --rate-limit and --max-upload', () => {
  assert.deepEqual(parseRate('6000/min'), { max: 6000, windowMs: 60_000 });
  assert.deepEqual(parseRate('100/s'), { max: 100, windowMs: 1000 });
  assert.deepEqual(parseRate('5000/hour'), { max: 5000, windowMs: 3_600_000 });
  assert.deepEqual(parseRate('120'), { max: 120, windowMs: 60_000 });
  assert.throws(() => parseRate('0/min'), /--rate-limit/);
  assert.throws(() => parseRate('fast'), /--rate-limit/);
  assert.equal(parseSize('1GB', '--max-upload'), 1024 ** 3);
  assert.equal(parseSize('500mb', '--max-upload'), 500 * 1024 ** 2);
  assert.equal(parseSize('1.5KB', '--max-upload'), 1536);
  assert.throws(() => parseSize('-1GB', '--max-upload'), /--max-upload/);
  assert.throws(() => parseSize('lots', '--max-upload'), /--max-upload/);
});
