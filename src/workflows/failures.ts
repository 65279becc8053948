import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from './refusal.js';

/**
 * Turns a refusal into the failure an Update fails with. Its `type` is the
 * contract's error code and its first detail the extra fields of the error
 * body, so the API answers with them unchanged; `retryAfterSeconds` rides in
 * the details too and becomes the `Retry-After` header.
 *
 * @param refusal - the decision's refusal
 * @returns a non-retryable `ApplicationFailure`
 */
export function toApplicationFailure(refusal: Refusal): ApplicationFailure {
  const details = { ...refusal.extra, ...(refusal.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: refusal.retryAfterSeconds }) };
  return ApplicationFailure.create({
    type: refusal.code,
    message: refusal.message,
    nonRetryable: true,
    details: Object.keys(details).length === 0 ? undefined : [details],
  });
}

/**
 * The failure for "a dependency did not answer" (503 at the API).
 *
 * @param message - text for a person
 * @returns a non-retryable `ApplicationFailure` of type `unavailable`
 */
export function unavailableFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'unavailable', message, nonRetryable: true });
}
