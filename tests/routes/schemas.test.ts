import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { errorResponses, errorSchema, ErrorBody } from '../../src/routes/schemas.js';
import { ERROR_CODES, ERROR_STATUS, isErrorCode } from '../../src/shared/error-codes.js';
import { AppError } from '../../src/utils/app-error.js';

function codesOf(schema: unknown): unknown {
  return (schema as { properties: { error: { properties: { code: { enum: unknown } } } } }).properties.error.properties.code
    .enum;
}

describe('error codes', () => {
  it('maps every contract code to its status', () => {
    expect(ERROR_STATUS).toMatchObject({ invalid_code: 401, code_expired: 410, not_pending: 409, unavailable: 503 });
    expect(ERROR_CODES).toHaveLength(17);
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });

  it('gives AppError the status of its code and a whole-second Retry-After', () => {
    const error = new AppError('code_expired', 'Expired', {}, { retryAfterSeconds: 0.2 });
    expect(error.statusCode).toBe(410);
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.toBody()).toEqual({ error: { code: 'code_expired', message: 'Expired' } });
  });
});

describe('errorResponses', () => {
  it('expands a status to every code answering with it, and groups codes by status', () => {
    const responses = errorResponses(410, 'invalid_code', 'unauthorized', 503);
    expect(Object.keys(responses).sort()).toEqual(['401', '410', '503']);
    expect(codesOf(responses[410])).toEqual(['code_expired', 'too_many_attempts', 'no_active_code']);
    expect(codesOf(responses[401])).toEqual(['invalid_code', 'unauthorized']);
    expect(responses[503].description).toBe('Error: unavailable');
  });

  it('documents extra fields with errorSchema', () => {
    const schema = errorSchema(['invalid_code'], { attemptsRemaining: Type.Integer() });
    expect(schema.properties.error.properties.attemptsRemaining.type).toBe('integer');
    expect(schema.properties.error.required).toEqual(['code', 'message', 'attemptsRemaining']);
  });

  it('exports a generic ErrorBody allowing every code', () => {
    expect(codesOf(ErrorBody)).toEqual(ERROR_CODES);
  });
});
