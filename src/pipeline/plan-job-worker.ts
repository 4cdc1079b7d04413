/**
 * The plan job's worker thread: opens the snapshot workspace, makes the plan on it (`planWorkspace`), exports the rows
 * the plan added (`exportPlanRows`) and posts the plan's summary. Everything it needs travels in `workerData`
 * (PlanWorkerTask); it writes only into the snapshot's folder and the plan's output folder.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exportPlanRows } from '../store/snapshot.js';
import { Workspace } from '../store/workspace.js';
import { workerError } from './job-worker.js';
import type { PlanWorkerProgress, PlanWorkerResult, PlanWorkerTask } from './plan-job.js';
import { planWorkspace } from './plan.js';

const task = workerData as PlanWorkerTask;
const post = (msg: unknown): void => parentPort!.postMessage(msg);

async function main(): Promise<void> {
  const ws = await Workspace.open(task.snapshotDir, { threads: task.threads, mustExist: true });
  let summary;
  let rows: Record<string, number>;
  try {
    summary = await planWorkspace(ws, {
      ...task.options,
      out: task.out,
      threads: task.threads,
      onProgress: (label, fraction) => post({ progress: { label, fraction } satisfies PlanWorkerProgress }),
    });
    post({ progress: { label: 'exporting', fraction: 0 } satisfies PlanWorkerProgress });
    rows = await exportPlanRows(ws, task.baseline, task.rowsDir);
  } finally {
    ws.close();
  }
  post({ result: { summary, rows } satisfies PlanWorkerResult });
}

main().catch((e: unknown) => post(workerError(e)));
