// Loading the product table and its sparklines. The table is fetched with If-None-Match (its ETag, the workspace's
// data version): a refresh after a live event costs a 304 when nothing changed. Sparklines are fetched for the rows
// on screen only, in batches of at most 200 SKUs, and kept for the session.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { storedKey } from '../auth';
import type { SkuTableAnswer } from './products-model';

/** At most this many SKUs per GET /skus/sparklines. */
const BATCH = 200;

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = storedKey();
  return { accept: 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...extra };
}

async function failure(r: Response, what: string): Promise<ApiError> {
  let b: Record<string, unknown> = {};
  try {
    b = (await r.json()) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  const message =
    r.status === 404 ? `${what} is not available from this service yet` : (b['message'] as string | undefined);
  return new ApiError(r.status, message ?? `${what}: HTTP ${r.status}`, null, b);
}

/**
 * GET /skus/table; `etag` the version held (null: none). Resolves to null when the service answers 304 (the held
 * table is current).
 */
export async function fetchTable(etag: string | null): Promise<{ table: SkuTableAnswer; etag: string | null } | null> {
  const r = await fetch('/skus/table', { headers: headers(etag === null ? {} : { 'if-none-match': etag }) });
  if (r.status === 304) return null;
  if (!r.ok) throw await failure(r, 'The product table');
  return { table: (await r.json()) as SkuTableAnswer, etag: r.headers.get('etag') };
}

/** The query of a batch: comma-separated, or the parameter repeated when a SKU holds a comma. */
export function sparklineQuery(skus: readonly string[]): string {
  const p = new URLSearchParams();
  if (skus.some((s) => s.includes(','))) {
    for (const s of skus) p.append('skus', s);
    if (skus.length === 1) p.append('skus', skus[0]!); // one value alone would be split at its commas
  } else p.set('skus', skus.join(','));
  return `?${p}`;
}

const cache = new Map<string, number[]>();
const inFlight = new Set<string>();

/** Forgets the sparklines of SKUs whose sales changed (a live batch). */
export function forgetSparklines(skus: readonly string[]): void {
  for (const s of skus) cache.delete(s);
}

/**
 * The sparklines of `skus` (the rows on screen): those not held are fetched shortly after the list settles (so a
 * fast scroll does not fetch every row it passes). Re-renders as batches arrive; `version` forces a new look.
 */
export function useSparklines(skus: readonly string[], version: number): ReadonlyMap<string, number[]> {
  const [, setTick] = useState(0);
  const key = skus.join('\u0000');
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);
  useEffect(() => {
    const missing = skus.filter((s) => !cache.has(s) && !inFlight.has(s));
    if (missing.length === 0) return;
    const timer = setTimeout(() => {
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH);
        for (const s of batch) inFlight.add(s);
        fetch(`/skus/sparklines${sparklineQuery(batch)}`, { headers: headers() })
          .then(async (r) => {
            if (!r.ok) throw await failure(r, 'Sparklines');
            const a = (await r.json()) as { weeks: string[]; series: Record<string, number[]> };
            for (const s of batch) cache.set(s, a.series[s] ?? []);
          })
          .catch(() => {
            for (const s of batch) cache.set(s, []);
          })
          .finally(() => {
            for (const s of batch) inFlight.delete(s);
            if (alive.current) setTick((t) => t + 1);
          });
      }
    }, 120);
    return () => clearTimeout(timer);
  }, [key, version]);
  return cache;
}
