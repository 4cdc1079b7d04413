/**
 * One task off the main thread, as a promise: in a worker thread (`runWorker`) or a child process (`runProcess`). The
 * task posts `{ progress }` messages while it works and one `{ result }` or `{ error }` at the end. Aborting the signal
 * stops it (the thread terminated, the process killed), and the promise rejects with the signal's reason once it has
 * stopped. An InputError thrown in the task is an InputError here, its text and field kept.
 *
 * A task that uses DuckDB runs in a process: terminating a worker thread while a DuckDB call of its is in flight
 * aborts the whole process (the binding throws into a torn-down environment: "terminate called after throwing an
 * instance of 'Napi::Error'"), whereas killing a process stops only it.
 */
import { type Serializable, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../data/errors.js';

/** What a task posts. */
export type WorkerMessage<P, R> =
  | { progress: P }
  | { result: R }
  | { error: { name: string; message: string; field?: string | undefined; input: boolean } };

/**
 * The message a task posts for a thrown error: InputErrors (and their subclasses) marked as such, so that the caller
 * says them as they are.
 * @example main().catch((e) => parentPort.postMessage(workerError(e)));
 */
export function workerError(e: unknown): WorkerMessage<never, never> {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    error: {
      name: err.name,
      message: err.message,
      field: err instanceof InputError ? err.field : undefined,
      input: err instanceof InputError,
    },
  };
}

/** What runs a task: start it, hear its messages and its end, stop it. */
interface Runner {
  onMessage: (fn: (msg: unknown) => void) => void;
  onEnd: (fn: (why: string) => void) => void;
  stop: () => void;
}

function run<P, R>(start: () => Runner, onProgress: (p: P) => void, signal?: AbortSignal): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const task = start();
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // settled once the task has stopped: nothing of it runs on when the promise rejects
    let aborting = false;
    const onAbort = (): void => {
      aborting = true;
      task.stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    task.onMessage((m) => {
      const msg = m as WorkerMessage<P, R>;
      if (aborting) return;
      if ('progress' in msg) {
        if (!settled) onProgress(msg.progress);
      } else if ('result' in msg) settle(() => resolve(msg.result));
      else {
        const e = msg.error;
        const err = e.input
          ? new InputError(e.message, e.field === undefined ? {} : { field: e.field })
          : new Error(e.message);
        if (!e.input) err.name = e.name;
        settle(() => reject(err));
      }
    });
    task.onEnd((why) => settle(() => reject(aborting ? signal!.reason : new Error(`${why} before its result`))));
  });
}

/**
 * Runs the worker thread at `url` with `data` (its `workerData`), calling `onProgress` with each progress message;
 * resolves with its result. For tasks without DuckDB (see the module comment).
 * @example
 * const staged = await runWorker(new URL('./stage-file-worker.js', import.meta.url), task, (p) => show(p), signal);
 */
export function runWorker<P, R>(url: URL, data: unknown, onProgress: (p: P) => void, signal?: AbortSignal): Promise<R> {
  return run<P, R>(
    () => {
      const worker = new Worker(url, { workerData: data });
      return {
        onMessage: (fn) => worker.on('message', fn),
        onEnd: (fn) => {
          worker.on('error', (e) => fn(`worker failed: ${e.message}`));
          worker.on('exit', (code) => fn(`worker stopped (exit code ${code})`));
        },
        stop: () => void worker.terminate(),
      };
    },
    onProgress,
    signal,
  );
}

/**
 * Runs the module at `url` as a child process (Node, no flags of this one), sends it `data` as its first message,
 * calls `onProgress` with each progress message; resolves with its result. The child should exit when its parent
 * goes (`process.on('disconnect', …)`), so that it does not outlive a killed service.
 * @example
 * const made = await runProcess(new URL('./plan-job-worker.js', import.meta.url), task, (p) => show(p), signal);
 */
export function runProcess<P, R>(
  url: URL,
  data: unknown,
  onProgress: (p: P) => void,
  signal?: AbortSignal,
): Promise<R> {
  return run<P, R>(
    () => {
      const child = fork(fileURLToPath(url), [], {
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
      child.send(data as Serializable);
      return {
        onMessage: (fn) => child.on('message', fn),
        onEnd: (fn) => {
          child.on('error', (e) => fn(`process failed: ${e.message}`));
          // 'close': after the process ended and its channels closed, so every message it sent has come
          child.on('close', (code, sig) =>
            fn(`process stopped (${sig ?? `exit code ${code}`})${stderr === '' ? '' : `: ${stderr.trim()}`}`),
          );
        },
        stop: () => void child.kill('SIGKILL'),
      };
    },
    onProgress,
    signal,
  );
}
