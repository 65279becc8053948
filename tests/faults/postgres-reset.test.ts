import { Writable } from 'node:stream';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDatabaseUnavailableError } from '../../src/db/errors.js';
import { DisposingPostgresPool, postgresPoolConfig, REQUEST_TIMEOUTS } from '../../src/db/postgres-pool.js';
import type { DatabaseSchema } from '../../src/db/schema.js';
import { createLogger } from '../../src/utils/logger.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// A connection reset while the pool has a connection checked out (a query in flight, or a
// transaction between two queries) must fail that work, not the process: pg-pool removes its
// own 'error' listener from a checked-out client, and an 'error' event without a listener is an
// uncaught exception, which ends a Node process.

const baseUrl = process.env.DATABASE_URL;

describe.skipIf(baseUrl === undefined)('PostgreSQL connection reset while a connection is in use', () => {
  let proxy: TcpProxy;
  let pool: DisposingPostgresPool;
  let db: Kysely<DatabaseSchema>;
  const uncaught: unknown[] = [];
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      warnings.push(chunk.toString());
      callback();
    },
  });
  const inUseFailures = () => warnings.filter((line) => line.includes('PostgreSQL connection in use failed')).length;
  const record = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeAll(async () => {
    const target = new URL(baseUrl ?? '');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || '5432') });
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    pool = new DisposingPostgresPool(postgresPoolConfig(target.toString(), REQUEST_TIMEOUTS, 2), createLogger('warn', 'faults', sink));
    db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
    process.on('uncaughtException', record);
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    await db.destroy();
    await pool.end();
    await proxy.close();
  });
  beforeEach(async () => {
    proxy.restore();
    uncaught.length = 0;
    warnings.length = 0;
    await sql`select 1`.execute(db);
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // late 'error' / 'end' events
    expect(uncaught.map(String)).toEqual([]);
  });

  it('fails a query in flight as "unavailable" and keeps the process', async () => {
    const running = sql`select pg_sleep(2)`.execute(db).then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.cut();
    const error = await running;
    await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`[pg reset in flight] error=${String(error)} unavailable=${isDatabaseUnavailableError(error)} severed=${proxy.stats.severed} logged=${inUseFailures()}`);
    expect(isDatabaseUnavailableError(error)).toBe(true);
    // The socket error reached the pool's listener for connections in use (and went no further).
    expect(inUseFailures()).toBeGreaterThan(0);
  });

  it('fails a transaction whose connection is reset between two queries, and keeps the process', async () => {
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 2`.execute(trx);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    console.log(`[pg reset in transaction] error=${String(outcome)} unavailable=${isDatabaseUnavailableError(outcome)} logged=${inUseFailures()}`);
    expect(isDatabaseUnavailableError(outcome)).toBe(true);
    expect(inUseFailures()).toBeGreaterThan(0);
  });

  it('serves again once the connection is back', async () => {
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.restore();
    const result = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(result.rows).toEqual([{ one: 1 }]);
  });
});
