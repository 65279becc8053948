import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseUnavailableError } from '../../src/db/errors.js';

function pgError(code: string): DatabaseError {
  const error = new DatabaseError('server said no', 0, 'error');
  error.code = code;
  return error;
}

function errno(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('isDatabaseUnavailableError', () => {
  it.each([
    ['our own timeout', new DatabaseUnavailableError('no answer')],
    ['connection refused', errno('ECONNREFUSED')],
    ['a happy-eyeballs AggregateError', new AggregateError([errno('ECONNREFUSED')], 'connect failed')],
    ['the pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['the client-side query timeout', new Error('Query read timeout')],
    ['a closed PGlite', new Error('PGlite is closed')],
    ['statement_timeout', pgError('57014')],
    ['server shutdown', pgError('57P01')],
    ['a connection exception', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['a wrapped cause', new Error('activity failed', { cause: errno('ECONNRESET') })],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});
