// Loading a service answer into a component: data, error, loading, and reload (after a live event or a change).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  /** Fetches again; keeps showing the old data meanwhile. */
  reload: () => void;
}

/** Answers fetched just before a page mounts (the app's own GET /summary), for that page's first render. */
const primed = new Map<string, { data: unknown; at: number }>();
const PRIMED_MS = 5000;

/** Offers `data` as the answer of GET `path` to the next `useApi(path)` mounted within 5 s (instead of a new call). */
export function prime(path: string, data: unknown): void {
  primed.set(path, { data, at: Date.now() });
}

function takePrimed<T>(path: string | null): T | null {
  if (path === null) return null;
  const p = primed.get(path);
  primed.delete(path);
  return p !== undefined && Date.now() - p.at < PRIMED_MS ? (p.data as T) : null;
}

/** GETs `path` (null: nothing yet) whenever it changes; a newer answer always wins over an older one. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [first] = useState(() => takePrimed<T>(path));
  const [data, setData] = useState<T | null>(first);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(path !== null && first === null);
  const seq = useRef(0);
  const skipFirst = useRef(first !== null);
  const load = useCallback(() => {
    if (path === null) return;
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    const n = ++seq.current;
    setLoading(true);
    api.get<T>(path).then(
      (d) => {
        if (n !== seq.current) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
  }, [path]);
  useEffect(load, [load]);
  return { data, error, loading, reload: load };
}
