import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Mailer } from '../mail/mailer.js';
import { createSendApprovalMailActivity } from './approval-mail-activity.js';
import { createRecordApprovalActivity } from './approval-record-activity.js';
import { createCreateSessionActivity } from './session-activity.js';
import { createSendOtpEmailActivity } from './otp-email-activity.js';
import { createVerifyTurnstileActivity } from './turnstile-activity.js';
import { createDeliverWebhookActivity } from './webhook-activity.js';

/** What activities may use; given once to the factory by the worker. */
export interface ActivityDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** `AUTH_SECRET` (or the generated development secret). */
  readonly authSecret: string;
  /** SMTP or the dev outbox, per `SMTP_URL`. */
  readonly mailer: Mailer;
}

/**
 * Builds the worker's activities around their dependencies (dependency
 * injection, as in the Temporal samples). Workflows import only the *type* of
 * the returned object, never the implementations.
 *
 * @param deps - the dependencies shared by all activities
 * @returns the activity functions, keyed by their Temporal type name
 */
export function createActivities(deps: ActivityDeps) {
  return {
    verifyTurnstileActivity: createVerifyTurnstileActivity(deps),
    sendOtpEmailActivity: createSendOtpEmailActivity(deps),
    createSessionActivity: createCreateSessionActivity(deps),
    sendApprovalMailActivity: createSendApprovalMailActivity(deps),
    recordApprovalActivity: createRecordApprovalActivity(deps),
    deliverWebhookActivity: createDeliverWebhookActivity(deps),
  };
}

/** The activity interface that workflows proxy. */
export type Activities = ReturnType<typeof createActivities>;
