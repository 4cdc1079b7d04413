/**
 * The service's one error type and one error handler. Every failure answers `{ error: { code, message, field? } }`:
 * a request that fails validation, a malformed JSON body and a library `InputError` are 400s naming the field and
 * the reason; anything unexpected is a 500 that names only the request id (the details go to the log, never a stack
 * trace to the client).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { InputError } from '../data/errors.js';

/**
 * The body of every error response: `{ error: { code, message, field? } }`.
 * @example app.addSchema(ErrorBody)
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable: invalid_request, unauthorized, forbidden, not_found, …' }),
      message: Type.String({ description: 'what was wrong, for a person' }),
      field: Type.Optional(Type.String({ description: 'the request field at fault, e.g. query.limit, lines[3].sku' })),
      suggested: Type.Optional(
        Type.Number({ description: 'a refused order quantity: the nearest one the MOQ and pack size allow' }),
      ),
    }),
  },
  { $id: 'ErrorBody', title: 'Error' },
);

/**
 * An HTTP failure with its status, a stable code and a message for the client; `field` names the request field at
 * fault. The only error type handlers throw.
 * @example throw new HttpError(404, 'not_found', `no alert ${id}`);
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** added to the error body beside the message (InputError.details), e.g. `{ suggested: 24 }` */
    readonly details?: Readonly<Record<string, number | string>>,
  ) {
    super(message);
  }
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', body: 'body', params: 'path', headers: 'header' };

/** `/lines/3/sku` → `lines[3].sku`. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

/** A request validation failure (Ajv's first issue) as an HttpError naming the field and the reason. */
function validationError(issues: readonly AjvIssue[], context: string | undefined): HttpError {
  const where = CONTEXT_NAMES[context ?? ''] ?? context ?? 'request';
  // a union of constants (TypeBox Type.Union of literals) fails as anyOf: name the values it allows
  const anyOf = issues.find((i) => i.keyword === 'anyOf');
  const consts =
    anyOf === undefined ? [] : issues.filter((i) => i.keyword === 'const' && i.instancePath === anyOf.instancePath);
  if (anyOf !== undefined && consts.length > 0) {
    const named = ((f) => (f === '' ? where : `${where}.${f}`))(fieldPath(anyOf.instancePath ?? ''));
    const values = consts.map((i) => String(i.params?.['allowedValue']));
    return new HttpError(400, 'invalid_request', `${named} must be one of ${values.join(', ')}`, named);
  }
  const issue = issues[0] ?? {};
  let field = fieldPath(issue.instancePath ?? '');
  const p = issue.params ?? {};
  let reason = issue.message ?? 'is not valid';
  if (issue.keyword === 'required' && typeof p['missingProperty'] === 'string') {
    field = field === '' ? p['missingProperty'] : `${field}.${p['missingProperty']}`;
    reason = 'is required';
  } else if (issue.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string') {
    field = field === '' ? p['additionalProperty'] : `${field}.${p['additionalProperty']}`;
    reason = 'is not a known field';
  } else if (issue.keyword === 'enum' && Array.isArray(p['allowedValues'])) {
    reason = `must be one of ${(p['allowedValues'] as unknown[]).join(', ')}`;
  }
  const named = field === '' ? where : `${where}.${field}`;
  return new HttpError(400, 'invalid_request', `${named} ${reason}`, named);
}

/** Any error as the HttpError the client sees (the 500 keeps only the request id). */
export function toHttpError(err: unknown, requestId: string): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof InputError) return new HttpError(400, 'invalid_input', err.message, err.field, err.details);
  const e = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) return validationError(e.validation, e.validationContext);
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'malformed_json', `the request body is not valid JSON: ${e.message}`, 'body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'too_large', 'the request body is larger than this server accepts', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(415, 'unsupported_media_type', e.message);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'the request must be multipart/form-data');
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new HttpError(413, 'too_large', e.message, 'file');
    default:
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return new HttpError(status, 'bad_request', e.message);
  return new HttpError(500, 'internal', `internal error (request id ${requestId}); the server log has the details`);
}

/** Sends an HttpError as the JSON body every error response has. */
export function sendError(reply: FastifyReply, e: HttpError): FastifyReply {
  return reply
    .code(e.status)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        ...e.details,
        code: e.code,
        message: e.message,
        ...(e.field !== undefined ? { field: e.field } : {}),
      },
    });
}

/** Installs the one error handler and the JSON 404 for unknown routes. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const e = toHttpError(err, req.id);
    if (e.status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
    else req.log.info({ code: e.code, status: e.status }, e.message);
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, new HttpError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`)),
  );
}
