// Loading and error states, the same on every page.
import type { ComponentChildren } from 'preact';
import type { Loaded } from '../use-api';

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error }: { error: Error }) {
  return (
    <p class="error" role="alert">
      {error.message}
    </p>
  );
}

/** Renders `children(data)` once loaded; the loading or error state before. */
export function Show<T>({ q, what, children }: { q: Loaded<T>; what: string; children: (d: T) => ComponentChildren }) {
  if (q.data !== null) return <>{children(q.data)}</>;
  if (q.error !== null) return <ErrorBox error={q.error} />;
  return <Loading what={what} />;
}
