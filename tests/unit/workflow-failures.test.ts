import type { ApplicationFailure} from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src/plugins/error-mapping.js';
import { toApplicationFailure, unavailableFailure } from '../../src/workflows/failures.js';

/** What the API makes of a workflow refusal, as it arrives in a failed Update. */
const throughApi = (failure: ApplicationFailure) => toAppError(new WorkflowUpdateFailedError('Workflow Update failed', failure)).error;

describe('workflow refusals to contract errors', () => {
  it('carries the code, message and extra fields, non-retryable', () => {
    const failure = toApplicationFailure({ code: 'invalid_code', message: 'Wrong code', extra: { attemptsRemaining: 2 } });
    expect(failure.type).toBe('invalid_code');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ attemptsRemaining: 2 }]);
    const error = throughApi(failure);
    expect(error.statusCode).toBe(401);
    expect(error.toBody()).toEqual({ error: { code: 'invalid_code', message: 'Wrong code', attemptsRemaining: 2 } });
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('turns retryAfterSeconds into the Retry-After header, not a body field', () => {
    const failure = toApplicationFailure({ code: 'too_many_requests', message: 'Later', retryAfterSeconds: 42 });
    expect(failure.details).toEqual([{ retryAfterSeconds: 42 }]);
    const error = throughApi(failure);
    expect(error.statusCode).toBe(429);
    expect(error.retryAfterSeconds).toBe(42);
    expect(error.toBody()).toEqual({ error: { code: 'too_many_requests', message: 'Later' } });
  });

  it('sends no details when there is nothing extra', () => {
    const failure = toApplicationFailure({ code: 'no_active_code', message: 'None' });
    expect(failure.details ?? []).toEqual([]);
    expect(throughApi(failure).statusCode).toBe(410);
  });

  it('maps unavailable to 503', () => {
    const failure = unavailableFailure('Try again');
    expect(failure.type).toBe('unavailable');
    expect(throughApi(failure).statusCode).toBe(503);
  });
});
