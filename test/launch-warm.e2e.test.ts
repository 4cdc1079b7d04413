/**
 * The service trains the launch model in the background at start-up (a worker thread, no write lock held): GET
 * routes answer promptly meanwhile, a POST /launches during the training waits for it (no second training), and
 * the model is then kept and stored.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { createApiKey } from '../src/pipeline/keys.js';
import {
  forgetLaunchModels,
  launchModelPending,
  launchModelTraining,
  launchModelsTrained,
} from '../src/pipeline/launch.js';
import { createServer } from '../src/server/create-server.js';
import { Workspace } from '../src/store/workspace.js';
import { tempDir } from './helpers.js';
import { launchShop } from './launch-fixture.js';
import { json } from './server-harness.js';

test('the launch model trains in the background at start-up; GETs answer meanwhile; a plan waits for it', async () => {
  const { dir, cleanup } = tempDir();
  const workspace = join(dir, 'ws');
  const ws = await Workspace.open(workspace, { threads: 1 });
  await ingestFiles(ws, [launchShop(dir, 360, 'lines.csv')]);
  const token = (await createApiKey(ws, { name: 'planner cy', scope: 'write' })).token;
  ws.close();
  forgetLaunchModels();
  const trainedBefore = launchModelsTrained();
  const server = await createServer({ workspace, port: 0, workspaceOptions: { threads: 1 } });
  try {
    const url = await server.listen();
    const call = (path: string, body?: unknown) =>
      json(
        fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    assert.ok(launchModelPending(), 'the warm-up started with the service');
    // the history is read, then the worker trains
    for (let waited = 0; !launchModelTraining() && launchModelPending() && waited < 60_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // while it trains: reads answer promptly (the training is off the main thread, no lock held)
    const slowest: number[] = [];
    let answeredDuringTraining = 0;
    for (let k = 0; k < 3 && launchModelTraining(); k++) {
      for (const path of ['/health', '/skus?limit=5']) {
        const t = performance.now();
        const r = await call(path);
        slowest.push(performance.now() - t);
        assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
      }
      if (launchModelTraining()) answeredDuringTraining++;
    }
    assert.ok(answeredDuringTraining > 0, 'the GETs were answered while the model trained');
    assert.ok(Math.max(...slowest) < 1500, `GET answers took ${slowest.map(Math.round).join(', ')} ms`);
    // a plan asked for during the training waits for it: one training in all
    const plan = await call('/launches', { name: 'RED MUG', description: 'a red mug', price: 3 });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.equal(plan.body.forecast.length, 12);
    assert.equal(launchModelsTrained() - trainedBefore, 1);
    assert.equal(launchModelPending(), false);
    const again = await call('/launches', { name: 'BLUE MUG', price: 3 });
    assert.equal(again.body.model_source.source, 'memory');
    assert.equal(launchModelsTrained() - trainedBefore, 1);
  } finally {
    await server.close();
    forgetLaunchModels();
    cleanup();
  }
});
