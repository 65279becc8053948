import { describe, expect, it } from 'vitest';
import { isUnavailableError } from '../../src/plugins/unavailable.js';

/** A grpc-js style service error, as the Temporal client rethrows it. */
function grpcError(code: number, details: readonly (string | Buffer)[] = []): Error {
  const metadata = { get: (key: string) => (key === 'grpc-status-details-bin' ? [...details] : []) };
  return Object.assign(new Error(`${code} grpc error`), { code, details: 'grpc error', metadata });
}

const NOT_READY = Buffer.concat([
  Buffer.from([0x08, 0x09, 0x12]),
  Buffer.from('workflow is not ready\x1a\x40type.googleapis.com/temporal.api.errordetails.v1.WorkflowNotReadyFailure', 'latin1'),
]);

describe('isUnavailableError for Temporal gRPC errors', () => {
  it('treats FAILED_PRECONDITION with WorkflowNotReadyFailure (a worker died mid-task) as unavailable', () => {
    expect(isUnavailableError(grpcError(9, [NOT_READY]))).toBe(true);
    expect(isUnavailableError(new Error('update-with-start failed', { cause: grpcError(9, [NOT_READY]) }))).toBe(true);
  });

  it('keeps other FAILED_PRECONDITIONs and other codes with that detail as they were', () => {
    expect(isUnavailableError(grpcError(9))).toBe(false);
    expect(isUnavailableError(grpcError(9, [Buffer.from('temporal.api.errordetails.v1.NamespaceNotActiveFailure')]))).toBe(false);
    expect(isUnavailableError(grpcError(3, [NOT_READY]))).toBe(false);
    expect(isUnavailableError(grpcError(14))).toBe(true);
  });
});
