import { defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * The contract between the API and `approvalWorkflow`: the Approval as the
 * HTTP API shows it, the workflow's input and its messages. Workflow-safe:
 * imports no Node module.
 */

/** Workflow type name (the function's name; renaming it breaks running executions). */
export const APPROVAL_WORKFLOW_TYPE = 'approvalWorkflow';

/** Prefix of approval workflow ids; the rest is the approval's id (a UUID). */
export const APPROVAL_WORKFLOW_ID_PREFIX = 'approval-';

/** Where an approval stands. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

/** Every status, in the contract's order. */
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'rejected', 'expired', 'cancelled'];

/** What an approver decided. */
export type DecisionKind = 'approve' | 'reject';

/** One approver's decision. */
export interface Decision {
  readonly approver: string;
  readonly decision: DecisionKind;
  /** The approver's comment, or null when none was given. */
  readonly comment: string | null;
  readonly decidedAt: string;
}

/** An Approval exactly as the HTTP API returns it (times ISO-8601). */
export interface Approval {
  readonly id: string;
  readonly title: string;
  /** Null when none was given. */
  readonly description: string | null;
  /** The requester's normalised email. */
  readonly requestedBy: string;
  /** Normalised, distinct approver emails in the order given. */
  readonly approvers: string[];
  readonly requiredApprovals: number;
  readonly status: ApprovalStatus;
  /** In the order they were made. */
  readonly decisions: Decision[];
  readonly createdAt: string;
  readonly deadline: string;
  /** Null while pending. */
  readonly completedAt: string | null;
}

/** Outcome of the webhook delivery, kept in the workflow's state (and history). */
export interface WebhookOutcome {
  readonly webhookId: string;
  readonly delivered: boolean;
  /** HTTP status of the last attempt, when one answered. */
  readonly lastStatus: number | null;
  readonly attempts: number;
  readonly finishedAt: string;
}

/** Input of `approvalWorkflow`. */
export interface ApprovalWorkflowInput {
  /** The approval as created (status pending, no decisions). */
  readonly approval: Approval;
  readonly reminderIntervalSeconds: number;
  /** Where the final Approval is POSTed, signed (Standard Webhooks). */
  readonly callbackUrl: string | null;
  /** State carried over by continue-as-new; absent on a fresh start. */
  readonly carried?: ApprovalState;
}

/** Everything an approval workflow remembers; plain data so continue-as-new can carry it. */
export interface ApprovalState {
  readonly approval: Approval;
  /** Epoch ms of the next reminder round (undefined when reminders are over). */
  readonly nextReminderAt: number | undefined;
  /** How many reminder rounds were sent (names each round's mails). */
  readonly remindersSent: number;
  /** Bumped on every change of `approval`; orders projection writes. */
  readonly version: number;
  readonly webhook: WebhookOutcome | null;
}

/** Argument of {@link decideUpdate}. */
export interface DecideInput {
  /** The caller's normalised email (from the session). */
  readonly actor: string;
  readonly decision: DecisionKind;
  readonly comment: string | null;
}

/** Argument of {@link cancelUpdate}. */
export interface CancelInput {
  /** The caller's normalised email (from the session). */
  readonly actor: string;
}

/**
 * Answers once the new approval is recorded where listings read it (update-with-start
 * from `POST /approvals`), so the creator's next `GET /approvals` shows it.
 */
export const openedUpdate = defineUpdate<Approval, []>('opened');

/** An approver decides; refused with `not_found`, `not_an_approver`, `already_decided` or `not_pending`. */
export const decideUpdate = defineUpdate<Approval, [DecideInput]>('decide');

/** The requester cancels; refused with `not_found`, `forbidden` or `not_pending`. */
export const cancelUpdate = defineUpdate<Approval, [CancelInput]>('cancel');

/** The Approval as it stands. */
export const approvalQuery = defineQuery<Approval>('approval');
