import { createServer, type Server, type Socket } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, pingWithin } from '../../src/db/database.js';
import { DatabaseUnavailableError, isDatabaseUnavailableError } from '../../src/db/errors.js';
import { DisposingPostgresPool, postgresPoolConfig, REQUEST_TIMEOUTS, type PostgresTimeouts } from '../../src/db/postgres-pool.js';
import type { DatabaseSchema } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { testLogger } from './engines.js';

const UNREACHABLE = 'postgres://x@127.0.0.1:1/db';

function kyselyFor(url: string, timeouts: PostgresTimeouts = REQUEST_TIMEOUTS, size = 2): Kysely<DatabaseSchema> {
  const pool = new DisposingPostgresPool(postgresPoolConfig(url, timeouts, size), testLogger);
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
}

async function elapsed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { ms: Date.now() - started, error };
}

describe('PostgreSQL that does not answer', () => {
  /** Accepts TCP connections and never says a word, like a hung server. */
  let silent: Server;
  let silentUrl: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentUrl = `postgres://x@127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/db`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('ping rejects at once when nothing listens', async () => {
    const db = kyselyFor(UNREACHABLE);
    const { ms, error } = await elapsed(() => pingWithin(db, 2_000));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(ms).toBeLessThan(2_000);
    await db.destroy();
  });

  it('ping rejects within its timeout even while the driver hangs', async () => {
    const db = kyselyFor(silentUrl, { connectMs: 30_000, statementMs: 30_000, queryMs: 30_000 });
    const { ms, error } = await elapsed(() => pingWithin(db, 300));
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1_500);
    for (const socket of sockets) socket.destroy();
    await db.destroy();
  });

  it('a request-time query gives up within the connect timeout', async () => {
    const db = kyselyFor(silentUrl);
    const { ms, error } = await elapsed(() => sql`select 1`.execute(db));
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(ms).toBeLessThan(REQUEST_TIMEOUTS.connectMs + 1_000);
    for (const socket of sockets) socket.destroy();
    await db.destroy();
  });

  it('openDatabase fails fast and clearly when nothing listens', async () => {
    const { ms, error } = await elapsed(() => openDatabase({ databaseUrl: UNREACHABLE, dataDir: '/nonexistent', logger: testLogger }));
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(ms).toBeLessThan(5_000);
  });
});

describe.runIf(process.env.DATABASE_URL)('PostgreSQL timeouts against a real server', () => {
  let testDatabase: TestDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(process.env.DATABASE_URL ?? '', 'timeouts');
  });

  afterAll(async () => {
    await testDatabase?.drop();
  });

  it('cancels a statement that runs past statement_timeout, and the connection stays usable', async () => {
    const db = kyselyFor(testDatabase.url, { connectMs: 2_000, statementMs: 200, queryMs: 5_000 }, 1);
    const { ms, error } = await elapsed(() => sql`select pg_sleep(2)`.execute(db));
    expect(error).toMatchObject({ code: '57014' });
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(ms).toBeLessThan(1_500);
    await pingWithin(db, 1_000);
    await db.destroy();
  });

  it('discards a connection whose answer never came, so the next query does not queue behind it', async () => {
    const db = kyselyFor(testDatabase.url, { connectMs: 2_000, statementMs: 10_000, queryMs: 200 }, 1);
    const { error } = await elapsed(() => sql`select pg_sleep(3)`.execute(db));
    expect(error).toMatchObject({ message: 'Query read timeout' });
    expect(isDatabaseUnavailableError(error)).toBe(true);
    const next = await elapsed(() => pingWithin(db, 2_000));
    expect(next.error).toBeUndefined();
    expect(next.ms).toBeLessThan(1_000);
    await db.destroy();
  });

  it('fails a transaction fast when its connection stops answering', async () => {
    const db = kyselyFor(testDatabase.url, { connectMs: 2_000, statementMs: 10_000, queryMs: 200 }, 1);
    const { ms, error } = await elapsed(() => db.transaction().execute((trx) => sql`select pg_sleep(3)`.execute(trx)));
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(ms).toBeLessThan(1_000);
    await db.destroy();
  });
});
