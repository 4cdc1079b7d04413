/**
 * POST /uploads: shop export files as multipart/form-data, streamed to `<workspace>/uploads/<upload id>/<safe name>`
 * (the client's name is reduced to a safe base name: server/file-names.ts), each at most the configured size (413
 * beyond it, the upload's folder removed, nothing recorded); then the `onUpload` hook (wired to the ingest job).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from 'typebox';
import type { UploadedFile } from '../context.js';
import { HttpError } from '../errors.js';
import { safeFileName, uniqueName } from '../file-names.js';
import { defineRoute } from '../route.js';

/** Multipart overhead allowed beyond the file size limit before a Content-Length is refused outright. */
const MULTIPART_SLACK = 1 << 20;

const tooLarge = (limit: number): HttpError =>
  new HttpError(413, 'too_large', `a file is larger than the limit of ${limit} bytes`, 'file');

export const upload = defineRoute({
  method: 'POST',
  url: '/uploads',
  scope: 'write',
  tags: ['uploads'],
  summary: 'Uploads shop export files (multipart/form-data) and starts their ingest',
  description:
    'One or more file parts (any field name), each within the size limit (default 1 GB; 413 beyond it, nothing ' +
    'kept). Answers 202 with the stored files and what the ingest hook returned (its job).',
  consumes: ['multipart/form-data'],
  status: 202,
  errors: [413, 415],
  response: Type.Object({
    upload_id: Type.String(),
    files: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer() })),
    result: Type.Unknown({ description: 'what the ingest hook returned (its job), null when none is wired' }),
  }),
  handler: async ({ ctx, who, request, reply }) => {
    if (!request.isMultipart())
      throw new HttpError(415, 'unsupported_media_type', 'the request must be multipart/form-data', 'body');
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > ctx.maxUploadBytes + MULTIPART_SLACK) {
      reply.header('connection', 'close');
      throw new HttpError(
        413,
        'too_large',
        `the upload is larger than the limit of ${ctx.maxUploadBytes} bytes`,
        'file',
      );
    }
    const uploadId = randomUUID();
    const dir = join(ctx.uploadsDir, uploadId);
    await mkdir(dir, { recursive: true });
    const files: UploadedFile[] = [];
    const taken = new Set<string>();
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        const name = uniqueName(safeFileName(part.filename), taken);
        const path = join(dir, name);
        // at the limit, stop at once: the file stream ends only with its part, i.e. with the whole request body,
        // which a client may stream without end; destroying it stops parsing and answers the 413 now
        part.file.once('limit', () => part.file.destroy(tooLarge(ctx.maxUploadBytes)));
        await pipeline(part.file, createWriteStream(path, { flags: 'wx' }));
        if (part.file.truncated) throw tooLarge(ctx.maxUploadBytes);
        files.push({ path, name, bytes: (await stat(path)).size });
      }
      if (files.length === 0) throw new HttpError(400, 'invalid_request', 'the upload holds no file part', 'file');
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      const err = e as { code?: string; status?: number };
      if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.status === 413) reply.header('connection', 'close');
      throw e;
    }
    const result = ctx.onUpload === undefined ? null : await ctx.onUpload(files, who!);
    return { upload_id: uploadId, files: files.map((f) => ({ name: f.name, bytes: f.bytes })), result };
  },
});

export const uploadRoutes = [upload];
