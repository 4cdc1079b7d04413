/**
 * The process jobs-crash.e2e.test.ts kills: opens the workspace `argv[2]`, starts the job runner and submits a plan
 * (`argv[3]` = 'plan') or an ingest of the files after it (`argv[3]` = 'ingest'); every event goes to stdout as one
 * JSON line. With `argv[3]` = 'merge' the plan stops inside its storing transaction, before the commit, and says
 * `{"type":"merging"}`: the test kills it there.
 */
import { JobRunner } from '../src/pipeline/jobs.js';
import { WriteLock } from '../src/pipeline/write-lock.js';
import { Workspace } from '../src/store/workspace.js';

const [dir, mode, ...files] = process.argv.slice(2);
const say = (type: string, data: unknown): void => void process.stdout.write(`${JSON.stringify({ type, data })}\n`);
const ws = await Workspace.open(dir!, { threads: 1, mustExist: true });
const runner = await JobRunner.open(ws, {
  lock: new WriteLock(),
  threads: 1,
  onEvent: say,
  hooks: {
    beforeMergeCommit: async () => {
      if (mode !== 'merge') return;
      say('merging', null);
      await new Promise(() => setInterval(() => {}, 1000)); // until killed
    },
  },
});
const job =
  mode === 'ingest'
    ? await runner.submit('ingest', { paths: files }, 'child')
    : await runner.submit('plan', {}, 'child');
say('submitted', { job_id: job.job_id });
