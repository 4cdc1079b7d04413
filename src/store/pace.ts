/**
 * Pacing for long synchronous work on a thread that also answers requests (the service's main thread): work calls the
 * pacer between its units, and the pacer lets the event loop turn once (setImmediate: the requests waiting run
 * first) whenever the work has held the thread for `budgetMs` since the last turn.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Call between units of work and await what it gives: null while under budget, else one turn of the event loop. */
export type Pacer = () => Promise<void> | null;

/**
 * A pacer with a budget of `budgetMs` milliseconds of work between turns of the event loop.
 * @example const pace = pacer(4); for (const x of xs) { work(x); await pace(); }
 */
export function pacer(budgetMs = 4): Pacer {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return null;
    return yieldToLoop().then(() => {
      since = performance.now();
    });
  };
}
