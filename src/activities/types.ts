import type { Approval } from '../shared/approval.js';
import type { SignInUser } from '../shared/sign-in.js';

/**
 * Inputs and results of the activities, shared by their implementations and
 * (as types only) by the workflows that call them.
 */

/** Input of `verifyTurnstileActivity`. */
export interface VerifyTurnstileInput {
  /** The widget's one-time token. */
  readonly token: string;
  /** The client's IP as the API saw it. */
  readonly remoteIp: string;
  /** UUID sent as siteverify's `idempotency_key`, so a retried check of one token is accepted. */
  readonly idempotencyKey: string;
}

/** Input of `sendOtpEmailActivity`: enough to derive the code, never the code itself. */
export interface SendOtpEmailInput {
  /** Normalised recipient address. */
  readonly email: string;
  /** The sign-in workflow id (the code is bound to it). */
  readonly workflowId: string;
  /** The challenge whose code to send. */
  readonly challengeId: string;
  /** Lifetime of the code in seconds, stated in the mail. */
  readonly ttlSeconds: number;
}

/** Result of `sendOtpEmailActivity`. */
export interface SendOtpEmailResult {
  /** The mail's Message-ID (derived from the send request, so stable across retries). */
  readonly messageId: string;
  /** True when an earlier attempt of this send request had already sent it. */
  readonly alreadySent: boolean;
}

/** Input of `createSessionActivity`. */
export interface CreateSessionInput {
  /** Normalised email; the user is created on first sign-in. */
  readonly email: string;
  /** Session id chosen by the API (the idempotency key of the creation). */
  readonly sessionId: string;
  /** SHA-256 of the bearer token; the token itself never reaches Temporal. */
  readonly tokenHash: string;
  /** ISO-8601 expiry of the session. */
  readonly expiresAt: string;
}

/** Result of `createSessionActivity`. */
export interface CreateSessionResult {
  readonly user: SignInUser;
}

/**
 * `ApplicationFailure` types the activities throw. Those that are also contract
 * error codes (`captcha_failed`) reach the HTTP caller as such.
 */
export const ACTIVITY_FAILURE = {
  captchaFailed: 'captcha_failed',
  turnstileUnavailable: 'turnstile_unavailable',
  emailRejected: 'email_rejected',
  emailUnavailable: 'email_unavailable',
  databaseUnavailable: 'database_unavailable',
  sessionConflict: 'session_conflict',
} as const;

/** Which approval mail to send. */
export type ApprovalMailKind = 'request' | 'reminder' | 'outcome';

/** Input of `sendApprovalMailActivity`: one mail to one recipient. */
export interface ApprovalMailInput {
  readonly kind: ApprovalMailKind;
  /** Normalised recipient: an approver (request, reminder) or the requester (outcome). */
  readonly to: string;
  /** The approval as it stands (title, requester, id, status, decisions). */
  readonly approval: Approval;
}

/** Result of a mail activity. */
export interface SendMailResult {
  readonly messageId: string;
  /** True when an earlier attempt of this send request had already sent it. */
  readonly alreadySent: boolean;
}

/** Input of `recordApprovalActivity`: the snapshot listings and reads use. */
export interface RecordApprovalInput {
  readonly approval: Approval;
  /** The workflow's change counter; an older snapshot never overwrites a newer one. */
  readonly version: number;
}

/** Input of `deliverWebhookActivity`. */
export interface DeliverWebhookInput {
  readonly url: string;
  /** The Standard Webhooks `webhook-id`: the same on every attempt of this delivery. */
  readonly webhookId: string;
  /** The final Approval, sent as the JSON body. */
  readonly approval: Approval;
}

/** Result of `deliverWebhookActivity` (the receiver answered 2xx). */
export interface DeliverWebhookResult {
  readonly status: number;
  /** Which attempt succeeded (1 = first). */
  readonly attempt: number;
}
