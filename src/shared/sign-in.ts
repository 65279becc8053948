import { defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * The contract between the API and `signInWorkflow`: inputs, messages and
 * limits. Workflow-safe: imports no Node module. Nothing here is secret: codes
 * travel only as MACs keyed with `AUTH_SECRET`, session tokens only as hashes.
 */

/** Workflow type name (the function's name; renaming it breaks running executions). */
export const SIGN_IN_WORKFLOW_TYPE = 'signInWorkflow';

/** Prefix of sign-in workflow ids; the rest is a keyed hash of the normalised email. */
export const SIGN_IN_WORKFLOW_ID_PREFIX = 'sign-in-';

/** Failed checks allowed per email per rolling window (NIST SP 800-63B 5.2.2). */
export const MAX_FAILED_CHECKS = 100;

/** The rolling window of {@link MAX_FAILED_CHECKS}: 24 hours. */
export const FAILED_CHECK_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How long a quiet sign-in workflow keeps its state (a dead code's reason,
 * recent failures) before it completes: the failure window, so the lock-out
 * count is never forgotten early.
 */
export const STATE_RETENTION_MS = FAILED_CHECK_WINDOW_MS;

/** Limits of one code, taken from the API's configuration when the code is requested. */
export interface CodePolicy {
  readonly ttlSeconds: number;
  readonly maxAttempts: number;
  readonly resendCooldownSeconds: number;
}

/** Input of `signInWorkflow`. */
export interface SignInWorkflowInput {
  /** Normalised email; the workflow id is a keyed hash of it. */
  readonly email: string;
  /** State carried over by continue-as-new; absent on a fresh start. */
  readonly carried?: SignInState;
}

/** A Turnstile token to check before a code is issued. */
export interface TurnstileCheck {
  /** The widget's one-time token (dead once checked). */
  readonly token: string;
  /** The client's IP as the API saw it. */
  readonly remoteIp: string;
}

/** Argument of {@link requestCodeUpdate}. */
export interface RequestCodeInput {
  /** Random id of the new code (UUID from a CSPRNG); the code is derived from it with `AUTH_SECRET`. */
  readonly challengeId: string;
  /** MAC of the new code, keyed with `AUTH_SECRET`; the plain code never reaches Temporal. */
  readonly codeMac: string;
  readonly policy: CodePolicy;
  /** Present when Turnstile is on. */
  readonly turnstile?: TurnstileCheck;
}

/** Result of {@link requestCodeUpdate}: when the code dies and when the next one may be asked for. */
export interface RequestCodeResult {
  readonly expiresAt: string;
  readonly resendAvailableAt: string;
}

/** Argument of {@link verifyCodeUpdate}. */
export interface VerifyCodeInput {
  /** MAC of the submitted code, keyed like {@link RequestCodeInput.codeMac}. */
  readonly codeMac: string;
  /** The session to create on success; the API keeps the token, Temporal sees its hash only. */
  readonly session: { readonly id: string; readonly tokenHash: string; readonly ttlSeconds: number };
}

/** A user as the API returns it. */
export interface SignInUser {
  readonly id: string;
  readonly email: string;
}

/** Result of {@link verifyCodeUpdate}: the signed-in user and the session's expiry. */
export interface VerifyCodeResult {
  readonly user: SignInUser;
  readonly sessionExpiresAt: string;
}

/** Lifecycle of one code. */
export type ChallengeStatus = 'live' | 'verifying' | 'used' | 'expired' | 'locked';

/** The one code a sign-in workflow holds (a new code replaces it). Times are epoch milliseconds. */
export interface Challenge {
  readonly id: string;
  readonly codeMac: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly attemptsRemaining: number;
  readonly status: ChallengeStatus;
}

/** Everything a sign-in workflow remembers; plain data so continue-as-new can carry it. */
export interface SignInState {
  readonly challenge: Challenge | undefined;
  /** Earliest time the next code may be issued (the resend cooldown). */
  readonly resendAvailableAt: number;
  /** Times of wrong codes within the rolling window, oldest first. */
  readonly failedChecks: readonly number[];
  /** Time of the last change; the workflow completes {@link STATE_RETENTION_MS} after it. */
  readonly updatedAt: number;
}

/** Issues a code (update-with-start from `POST /auth/sign-in`). */
export const requestCodeUpdate = defineUpdate<RequestCodeResult, [RequestCodeInput]>('requestCode');

/** Checks a code and, if right, creates the session (`POST /auth/verify`). */
export const verifyCodeUpdate = defineUpdate<VerifyCodeResult, [VerifyCodeInput]>('verifyCode');

/** Reads the workflow's state without secrets (operators, tests). */
export const signInStateQuery = defineQuery<SignInState>('signInState');
