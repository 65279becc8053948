import { DatabaseError, type QueryResult } from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/db/errors.js';
import { disposingClient, postgresPoolConfig, REQUEST_TIMEOUTS, type PooledClient } from '../../src/db/postgres-pool.js';

/** A fake pooled client answering from a script of results or errors. */
function fakeClient(script: Array<QueryResult | Error>): PooledClient & { released: Array<Error | undefined> } {
  const released: Array<Error | undefined> = [];
  return {
    released,
    query: () => {
      const next = script.shift();
      if (next === undefined) return Promise.reject(new Error('script exhausted'));
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    release: (error?: Error) => {
      released.push(error);
    },
  };
}

const ok: QueryResult = { command: 'SELECT', rowCount: 1, rows: [{ one: 1 }], oid: 0, fields: [] };

describe('disposingClient', () => {
  it('passes results through and returns a healthy connection to the pool', async () => {
    const client = fakeClient([ok]);
    const wrapped = disposingClient(client);
    await expect(wrapped.query('select 1', [])).resolves.toEqual({ command: 'SELECT', rowCount: 1, rows: [{ one: 1 }] });
    wrapped.release();
    expect(client.released).toEqual([undefined]);
  });

  it('keeps the connection after a PostgreSQL error (the server answered)', async () => {
    const client = fakeClient([new DatabaseError('duplicate key', 0, 'error'), ok]);
    const wrapped = disposingClient(client);
    await expect(wrapped.query('insert', [])).rejects.toBeInstanceOf(DatabaseError);
    await expect(wrapped.query('select 1', [])).resolves.toMatchObject({ rowCount: 1 });
    wrapped.release();
    expect(client.released).toEqual([undefined]);
  });

  it('after a client-side failure, fails further queries at once and discards the connection', async () => {
    const client = fakeClient([new Error('Query read timeout'), ok]);
    const wrapped = disposingClient(client);
    await expect(wrapped.query('select pg_sleep(10)', [])).rejects.toThrow('Query read timeout');
    await expect(wrapped.query('rollback', [])).rejects.toBeInstanceOf(DatabaseUnavailableError);
    wrapped.release();
    expect(client.released[0]).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('refuses cursor (streaming) queries, which are not configured', () => {
    const wrapped = disposingClient(fakeClient([]));
    const cursor = { read: () => Promise.resolve([]), close: () => Promise.resolve() };
    expect(() => wrapped.query(cursor)).toThrow(/Streaming/);
  });
});

describe('postgresPoolConfig', () => {
  it('sets connect, statement and query timeouts that fit the 5 s API budget', () => {
    const config = postgresPoolConfig('postgres://u@h/db', REQUEST_TIMEOUTS, 10);
    expect(config).toMatchObject({ connectionString: 'postgres://u@h/db', max: 10 });
    const { connectionTimeoutMillis = 0, query_timeout = 0, statement_timeout } = config;
    expect(statement_timeout).toBe(REQUEST_TIMEOUTS.statementMs);
    expect(connectionTimeoutMillis + query_timeout).toBeLessThanOrEqual(5_000);
  });
});
