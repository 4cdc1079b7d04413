/**
 * Uploads end to end, over real HTTP: files stored under uploads/<id>/ with safe names whatever the client calls
 * them, the ingest hook called with them; an oversized upload is a 413 with nothing left on disk; no file is a 400.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import type { UploadedFile } from '../src/server/context.js';
import { type Harness, json, startServer } from './server-harness.js';

const LIMIT = 64 * 1024;
let h: Harness;
const calls: { files: UploadedFile[]; who: string }[] = [];
before(async () => {
  h = await startServer({
    maxUploadBytes: LIMIT,
    setup: (_app, ctx) => {
      ctx.onUpload = async (files, who) => {
        calls.push({ files: [...files], who: who.name });
        return { job_id: calls.length, kind: 'ingest', state: 'queued' };
      };
    },
  });
});
after(() => h.stop());

const uploads = (): string => join(h.dir, 'uploads');

/** Every file under the workspace folder (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)));
}

test('files are stored under uploads/<id>/ with safe base names; the hook gets them and its answer is returned', async () => {
  const hostile = [
    '../../evil.csv',
    '..\\..\\windows.csv',
    '/etc/passwd',
    'a\u0000b\u0007c.csv',
    '..',
    '.hidden',
    'orders 2011.csv',
    'orders 2011.csv',
  ];
  const form = new FormData();
  hostile.forEach((name, k) => form.append('file', new Blob([`sku,units\nA,${k}\n`]), name));
  const before = filesUnder(h.dir).length;
  const r = await json(h.call('/uploads', { method: 'POST', body: form, as: 'write' }));
  assert.equal(r.status, 202);
  assert.deepEqual(
    r.body.files.map((f: { name: string }) => f.name),
    ['evil.csv', 'windows.csv', 'passwd', 'abc.csv', 'upload', 'hidden', 'orders 2011.csv', 'orders 2011-2.csv'],
  );
  assert.deepEqual(r.body.result, { job_id: 1, kind: 'ingest', state: 'queued' });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.who, 'writer');
  const dir = join(uploads(), r.body.upload_id);
  for (const [k, f] of calls[0]!.files.entries()) {
    assert.equal(dirname(f.path), dir, 'every file inside its upload folder');
    assert.equal(readFileSync(f.path, 'utf8'), `sku,units\nA,${k}\n`);
    assert.equal(f.bytes, Buffer.byteLength(`sku,units\nA,${k}\n`));
  }
  assert.equal(filesUnder(h.dir).length, before + hostile.length, 'nothing written anywhere else');
  assert.ok(!existsSync(join(h.dir, '..', 'evil.csv')));
});

test('an upload beyond the size limit is a 413: the partial file removed, the hook not called', async () => {
  const callsBefore = calls.length;
  const foldersBefore = readdirSync(uploads()).length;
  // streamed (chunked, no Content-Length): the limit is found while writing
  const boundary = 'shopcastboundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n`;
  const chunk = 'A'.repeat(16 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(head));
    },
    pull(c) {
      if (sent >= 4 * LIMIT) {
        c.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        c.close();
        return;
      }
      sent += chunk.length;
      c.enqueue(new TextEncoder().encode(chunk));
    },
  });
  const r = await json(
    h.call('/uploads', {
      method: 'POST',
      as: 'write',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit),
  );
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'too_large');
  assert.equal(readdirSync(uploads()).length, foldersBefore, 'no upload folder left');
  assert.equal(calls.length, callsBefore);
  // declared too large (Content-Length): refused before anything is read
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(2 * LIMIT + (2 << 20), 65)]), 'huge.csv');
  const declared = await json(h.call('/uploads', { method: 'POST', body: form, as: 'write' }));
  assert.equal(declared.status, 413);
  assert.equal(readdirSync(uploads()).length, foldersBefore);
  assert.equal(calls.length, callsBefore);
});

test('an upload without a file part is a 400 naming file; not multipart is a 415; a read key is a 403', async () => {
  const form = new FormData();
  form.append('note', 'no file here');
  const r = await json(h.call('/uploads', { method: 'POST', body: form, as: 'write' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'file');
  const plain = await json(
    h.call('/uploads', { method: 'POST', as: 'write', headers: { 'content-type': 'application/json' }, body: '{}' }),
  );
  assert.equal(plain.status, 415);
  const ro = new FormData();
  ro.append('file', new Blob(['x']), 'x.csv');
  const read = await json(h.call('/uploads', { method: 'POST', body: ro, as: 'read' }));
  assert.equal(read.status, 403);
  assert.match(read.body.error.message, /'write' scope/);
});
