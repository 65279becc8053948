import type { ErrorCode } from '../shared/error-codes.js';

/** Why a request is refused, in the contract's terms. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  /** Extra fields of the error body (e.g. `attemptsRemaining`). */
  readonly extra?: Readonly<Record<string, number>>;
  /** Seconds for `Retry-After`. */
  readonly retryAfterSeconds?: number;
}
