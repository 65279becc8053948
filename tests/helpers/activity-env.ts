import { ApplicationFailure } from '@temporalio/common';
import type { MockActivityEnvironment } from '@temporalio/testing';
import { expect } from 'vitest';

/**
 * `env.run` with its result typed: the SDK's signature cannot infer the
 * return type (it comes back `unknown`).
 *
 * @param env - the mock activity environment
 * @param fn - the activity
 * @param args - its arguments
 * @returns the activity's result
 */
export function runIn<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run<A, R, typeof fn>(fn, ...args);
}

/**
 * Awaits an activity that must fail and returns its `ApplicationFailure`.
 *
 * @param promise - the activity's run
 * @returns the failure (the test fails if the activity succeeded or threw something else)
 */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => expect.unreachable('the activity should have failed'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}
