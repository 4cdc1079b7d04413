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

/** GETs `path` (null: nothing yet) whenever it changes; a newer answer always wins over an older one. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const seq = useRef(0);
  const load = useCallback(() => {
    if (path === null) return;
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
