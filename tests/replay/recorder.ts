import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createOutboxMailer } from '../../src/mail/outbox-mailer.js';
import { resolveTestServer } from '../../src/temporal/binaries.js';
import { createLogger } from '../../src/utils/logger.js';
import { siblingModulePath } from '../../src/utils/module-path.js';
import { webhookSigningSecret } from '../../src/utils/webhook-signature.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const EventType = proto.temporal.api.enums.v1.EventType;

/** A fixed secret, so codes, MACs and workflow inputs come out the same on every recording. */
const AUTH_SECRET = 'replay-fixtures-auth-secret-0123456789';

const ACTIVITY_CLOSED = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
]);

/** Events that must not appear in a recorded path: they would mean the recording went wrong. */
const UNEXPECTED = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
]);

/**
 * The time-skipping test server with a worker that runs the product's
 * workflows (`src/workflows/index.ts`) and its real activities (temp PGlite,
 * dev outbox, a local webhook receiver).
 */
export interface Recorder {
  readonly env: TestWorkflowEnvironment;
  readonly taskQueue: string;
  readonly config: Config;
  readonly authSecret: string;
  readonly webhook: WebhookReceiver;
  /** Waits until the execution has no running activity and no pending workflow task. */
  settle(workflowId: string): Promise<void>;
  /** Fetches a closed execution's history, refusing one with failed tasks or timeouts. */
  history(workflowId: string): Promise<History>;
  stop(): Promise<void>;
}

/**
 * Starts the recorder.
 *
 * @returns the running recorder
 */
export async function startRecorder(): Promise<Recorder> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'record-histories-'));
  const config = loadConfig({ DATA_DIR: dataDir, AUTH_SECRET, LOG_LEVEL: 'warn' });
  const logger = createLogger('warn', 'record-histories');
  const database = await openDatabase({ dataDir, logger });
  const mailer = createOutboxMailer({ dataDir, mailFrom: config.mailFrom, logger });
  const webhook = await startWebhookReceiver({ secret: webhookSigningSecret(AUTH_SECRET) });
  const testServer = await resolveTestServer({ allowSdkDownload: false });
  if (testServer.source === 'sdk-download') throw new Error('unreachable: SDK download is disallowed here');
  // Fixed identities: a re-recording differs from the last one only where the paths do.
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer.path } },
    client: { identity: 'record-histories-client' },
  });
  const taskQueue = 'record-histories';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    identity: 'record-histories-worker',
    workflowsPath: siblingModulePath(import.meta.url, '../../src/workflows/index'),
    activities: createActivities({ config, logger, database, authSecret: AUTH_SECRET, mailer }),
  });
  const running = worker.run();
  const events = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

  return {
    env,
    taskQueue,
    config,
    authSecret: AUTH_SECRET,
    webhook,
    async settle(workflowId) {
      for (let i = 0; i < 600; i += 1) {
        const types = (await events(workflowId)).map((event) => event.eventType ?? 0);
        const scheduled = types.filter((type) => type === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length;
        const closed = types.filter((type) => ACTIVITY_CLOSED.has(type)).length;
        // No workflow task scheduled after the last completed one (commands' events may follow it).
        const quiet = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) < types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
        if (scheduled === closed && quiet) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const types = (await events(workflowId)).map((event) => EventType[event.eventType ?? 0]);
      throw new Error(`${workflowId} did not settle: ${types.join(' ')}`);
    },
    async history(workflowId) {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const types = (history.events ?? []).map((event) => event.eventType ?? 0);
      if (types.at(-1) !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) throw new Error(`${workflowId} did not complete`);
      const bad = types.filter((type) => UNEXPECTED.has(type)).map((type) => EventType[type]);
      if (bad.length > 0) throw new Error(`${workflowId} has unexpected events: ${bad.join(', ')}`);
      return history;
    },
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
      await webhook.close();
      await mailer.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Awaits an Update that must be refused and returns the refusal's type.
 *
 * @param update - the Update's result
 * @returns the `ApplicationFailure` type (the contract's error code)
 */
export async function refusalOf(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => {
      throw new Error('the update should have been refused');
    },
    (caught: unknown) => caught,
  );
  const type = ((error as WorkflowUpdateFailedError).cause as ApplicationFailure | undefined)?.type;
  if (typeof type !== 'string') throw error;
  return type;
}
