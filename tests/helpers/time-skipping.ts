import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { siblingModulePath } from '../../src/utils/module-path.js';

/** The time-skipping test server with a worker running the product's workflows. */
export interface TimeSkippingWorker {
  readonly env: TestWorkflowEnvironment;
  /** Stops the worker and the server. */
  stop(): Promise<void>;
}

/**
 * Starts the time-skipping test server (the binary the global setup
 * resolved) and a worker for the product's workflows with the given
 * (stub) activities.
 *
 * @param taskQueue - the worker's task queue
 * @param activities - the activities to register
 * @returns the environment and a stop function
 */
export async function startTimeSkippingWorker(taskQueue: string, activities: object): Promise<TimeSkippingWorker> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } } });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: siblingModulePath(import.meta.url, '../../src/workflows/index'),
    activities,
  });
  const running = worker.run();
  return {
    env,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
