// The one way the dashboard speaks to the service: JSON over fetch with the stored key. An answer that is not 2xx
// throws an ApiError carrying the service's message and, for a 400, the field it names.
import { forgetKey, storedKey } from './auth';

/** A failed call: the HTTP status, the service's message, the field a 400 names, and the whole error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Called when the service answers 401: the key is gone or wrong (the app shows the login page). */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function call<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const key = storedKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  // the caller's headers (If-None-Match) join the key's, never replace them
  for (const [k, v] of new Headers(init.headers).entries()) headers[k] = v;
  const r = await fetch(path, {
    ...init,
    method,
    headers,
    ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
  });
  if (r.status === 204 || r.status === 304) return undefined as T;
  const text = await r.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!r.ok) {
    // the service's error body is { error: { code, message, field, … } }
    const top = (json ?? {}) as Record<string, unknown>;
    const b = (typeof top['error'] === 'object' && top['error'] !== null ? top['error'] : top) as Record<
      string,
      unknown
    >;
    if (r.status === 401) {
      forgetKey();
      onUnauthorized();
    }
    const message = typeof b['message'] === 'string' ? b['message'] : `${method} ${path}: HTTP ${r.status}`;
    throw new ApiError(r.status, message, typeof b['field'] === 'string' ? b['field'] : null, b);
  }
  return json as T;
}

/** A query string from defined values only: `qs({ a: 1, b: undefined })` → `?a=1`. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** One path segment, encoded (a SKU may hold `/`, `?` or `#`). */
export const seg = (s: string): string => encodeURIComponent(s);

export const api = {
  get: <T>(path: string, init?: RequestInit) => call<T>('GET', path, undefined, init),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => call<T>('PUT', path, body ?? {}),
  del: <T>(path: string) => call<T>('DELETE', path),
  /** A file download through the key (a CSV export): fetched, then saved by the browser under `filename`. */
  async download(path: string, filename: string): Promise<string> {
    const key = storedKey();
    const r = await fetch(path, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
    if (!r.ok) throw new ApiError(r.status, `${path}: HTTP ${r.status}`, null, {});
    const text = await r.text();
    const url = URL.createObjectURL(new Blob([text], { type: r.headers.get('content-type') ?? 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    return text;
  },
};
