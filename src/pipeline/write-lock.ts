/**
 * Serialises the writers of one workspace. DuckDB has one writer connection per workspace and a transaction on it
 * must not interleave with another caller's statements, so every use case that writes (an order batch, a refresh,
 * a plan's merge, an ingest, a key change) runs inside `lock.run(fn)`: the calls run one at a time, in the order they
 * came, and a failing one does not stop the next. Readers do not take the lock: they read through a second
 * connection (`Workspace.connect`), which sees only committed data.
 * A resource, hence a class.
 * @example
 * const lock = new WriteLock();
 * await lock.run(() => postOrderLines(ws, lines));
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Runs `fn` after every earlier call has settled; resolves or rejects with its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }

  /** Calls queued or running (for /metrics). */
  get pending(): number {
    return this.waiting;
  }

  /** Resolves once every call made so far has settled (graceful shutdown). */
  async drain(): Promise<void> {
    await this.tail;
  }
}
