/**
 * The plan job's child process: opens the snapshot workspace, makes the plan on it (`planWorkspace`), exports the rows
 * the plan added (`exportPlanRows`) and sends the plan's summary. Everything it needs comes in its first message
 * (PlanWorkerTask); it writes only into the snapshot's folder and the plan's output folder. It exits as soon as it
 * sees its parent gone (a killed service), so that nothing of it runs on.
 */
import { exportPlanRows } from '../store/snapshot.js';
import { Workspace } from '../store/workspace.js';
import { type WorkerMessage, workerError } from './job-worker.js';
import type { PlanWorkerProgress, PlanWorkerResult, PlanWorkerTask } from './plan-job.js';
import { planWorkspace } from './plan.js';

type Message = WorkerMessage<PlanWorkerProgress, PlanWorkerResult>;
const parent = process.ppid;
const send = (msg: Message, then?: () => void): void => void process.send!(msg, undefined, {}, then);
// the parent gone: the channel closes (seen between steps), or this process is adopted (seen at each progress)
process.on('disconnect', () => process.exit(1));
const orphaned = (): boolean => process.ppid !== parent;

async function plan(task: PlanWorkerTask): Promise<PlanWorkerResult> {
  const ws = await Workspace.open(task.snapshotDir, { threads: task.threads, mustExist: true });
  try {
    const summary = await planWorkspace(ws, {
      ...task.options,
      out: task.out,
      threads: task.threads,
      onProgress: (label, fraction) => {
        if (orphaned()) process.exit(1);
        send({ progress: { label, fraction } });
      },
    });
    send({ progress: { label: 'exporting', fraction: 0 } });
    const rows = await exportPlanRows(ws, task.baseline, task.rowsDir);
    return { summary, rows };
  } finally {
    ws.close();
  }
}

process.once('message', (task: PlanWorkerTask) => {
  plan(task).then(
    (result) => send({ result }, () => process.disconnect()),
    (e: unknown) => send(workerError(e), () => process.disconnect()),
  );
});
