import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { siblingModulePath } from '../utils/module-path.js';
import type { TemporalTarget } from './connection.js';

/** Options of {@link createWorker}. */
export interface CreateWorkerOptions {
  readonly target: TemporalTarget;
  readonly deps: ActivityDeps;
  /** A prebuilt workflow bundle (`npm run build`); without it the workflows are bundled at start. */
  readonly workflowBundlePath?: string;
}

/** A worker together with the connection it owns. */
export interface WorkerHandle {
  readonly worker: Worker;
  readonly connection: NativeConnection;
  /** Runs until `shutdown()`; rejects if the worker fails. */
  run(): Promise<void>;
  /** Stops polling, lets running tasks finish within the grace time, closes the connection. */
  shutdown(): Promise<void>;
}

/**
 * Connects to Temporal and creates the worker of this service's task queue,
 * with the activities built by {@link createActivities} and the workflows of
 * `src/workflows/index.ts`.
 *
 * @param options - target, activity dependencies and an optional prebuilt bundle
 * @returns a handle to run and stop the worker
 */
export async function createWorker(options: CreateWorkerOptions): Promise<WorkerHandle> {
  const connection = await NativeConnection.connect(options.target.connectionOptions);
  const workflows =
    options.workflowBundlePath === undefined
      ? { workflowsPath: siblingModulePath(import.meta.url, '../workflows/index') }
      : { workflowBundle: { codePath: options.workflowBundlePath } };
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: options.target.namespace,
      taskQueue: options.target.taskQueue,
      activities: createActivities(options.deps),
      shutdownGraceTime: '10s',
      // A worker killed with -9 never says goodbye: after this long its sticky workflow tasks
      // go back to the shared queue, so another worker answers a waiting Update within the
      // API's 4 s budget (the default, 10 s, would turn that wait into a 503).
      stickyQueueScheduleToStartTimeout: '2s',
      // Activities mostly wait on I/O (SMTP, HTTP, PostgreSQL), so many may run at once; those
      // that need the database then queue for its pool (10 connections per process), so raise
      // both together.
      maxConcurrentActivityTaskExecutions: 50,
      // Workflow tasks are short CPU work on one event loop: the SDK default (40) already
      // keeps it busy. The workflow cache (maxCachedWorkflows) keeps the SDK default, sized
      // from the process's memory limit.
      maxConcurrentWorkflowTaskExecutions: 40,
      ...workflows,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  let running: Promise<void> | undefined;
  return {
    worker,
    connection,
    run: () => {
      running ??= worker.run().finally(() => connection.close());
      return running;
    },
    shutdown: async () => {
      if (running === undefined) {
        await connection.close();
        return;
      }
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
