import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { baselineMailbox, createBaselineActivities } from './baseline-activities.js';
import { baselineRequestUpdate, baselineSignInWorkflow, baselineVerifyUpdate } from './baseline-workflows.js';
import type { Recorder } from './load.js';

/** A bare Temporal client and a trivial worker in this process. */
export interface Baseline {
  /** One flow with the sign-in's round trips; `key` must be unique per flow. */
  flow(recorder: Recorder, key: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the baseline on its own task queue of the same server: a worker with
 * SDK-default options and a client, no HTTP, database or mail.
 *
 * @param address - the Temporal frontend
 * @param taskQueue - a queue nothing else polls
 * @returns the running baseline
 */
export async function startBaseline(address: string, taskQueue: string): Promise<Baseline> {
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)),
    activities: createBaselineActivities(),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });

  return {
    async flow(recorder, key) {
      const mailed = once(baselineMailbox, key) as Promise<[string]>;
      const startWorkflowOperation = new WithStartWorkflowOperation(baselineSignInWorkflow, {
        workflowId: key,
        taskQueue,
        args: [key],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await recorder.time('baseline: update-with-start', () =>
        client.workflow.executeUpdateWithStart(baselineRequestUpdate, { args: ['challenge'], startWorkflowOperation }),
      );
      const [challenge] = await recorder.time('baseline: mail activity', () => mailed);
      await recorder.time('baseline: update', () => client.workflow.getHandle(key).executeUpdate(baselineVerifyUpdate, { args: [challenge] }));
    },
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await workerConnection.close();
    },
  };
}
