import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Logger } from 'pino';
import { TimeoutError, withTimeout } from '../utils/timeout.js';
import { DatabaseUnavailableError } from './errors.js';
import { migrateToLatest } from './migrations/index.js';
import { acquirePgliteLock } from './pglite-lock.js';
import {
  DEFAULT_POOL_SIZE,
  DisposingPostgresPool,
  MIGRATION_TIMEOUTS,
  postgresPoolConfig,
  REQUEST_TIMEOUTS,
  type PostgresTimeouts,
} from './postgres-pool.js';
import type { DatabaseSchema } from './schema.js';

/** An open, migrated database. */
export interface Database {
  /** `pglite`: embedded, single process; `postgres`: a PostgreSQL server. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * The query builder; use it from repositories. Inside a transaction use only
   * its `trx`: PGlite has one connection, so a query on `db` there waits for
   * the transaction to end (a deadlock that `ping` and timeouts would surface).
   */
  readonly db: Kysely<DatabaseSchema>;
  /**
   * Runs `select 1`.
   *
   * @param timeoutMs - reject after this long even if the driver hangs (default 2000)
   * @throws DatabaseUnavailableError on timeout or any driver error
   */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes connections (and the PGlite lock); idempotent. */
  close(): Promise<void>;
}

/** How to open the database. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; unset means embedded PGlite. */
  readonly databaseUrl?: string | undefined;
  /** PGlite lives in `<dataDir>/pglite`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** PostgreSQL only: connections in the pool (default {@link DEFAULT_POOL_SIZE}). */
  readonly poolSize?: number;
  /** PostgreSQL only: request-time timeouts (default {@link REQUEST_TIMEOUTS}). */
  readonly timeouts?: PostgresTimeouts;
}

/** Default time {@link Database.ping} waits. */
export const DEFAULT_PING_TIMEOUT_MS = 2_000;

/**
 * Opens the database and applies pending migrations: a PostgreSQL pool when
 * `databaseUrl` is set, else embedded PGlite under `<dataDir>/pglite`
 * (locked to this process).
 *
 * @param options - see {@link OpenDatabaseOptions}
 * @returns the open database
 * @throws DatabaseInUseError when another live process has the PGlite directory open
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl === undefined ? openPglite(options) : openPostgres(options.databaseUrl, options);
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const directory = path.resolve(options.dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const lock = await acquirePgliteLock(directory, options.logger);
  let db: Kysely<DatabaseSchema> | undefined;
  try {
    const pglite = await PGlite.create(directory);
    // The dialect hands its single connection to one caller at a time, so a
    // transaction never interleaves with other queries.
    db = new Kysely<DatabaseSchema>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db, options.logger);
  } catch (error) {
    await db?.destroy();
    await lock.release();
    throw error;
  }
  options.logger.info({ directory }, 'embedded database (PGlite) open');
  const opened = db;
  return createDatabase('pglite', opened, async () => {
    await opened.destroy();
    await lock.release();
  });
}

async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Database> {
  // Migrations get their own short-lived connection with generous timeouts.
  const migrationPool = new DisposingPostgresPool(postgresPoolConfig(databaseUrl, MIGRATION_TIMEOUTS, 1), options.logger);
  const migrationDb = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: migrationPool }) });
  try {
    await migrateToLatest(migrationDb, options.logger);
  } finally {
    await migrationDb.destroy();
    await migrationPool.end();
  }
  const config = postgresPoolConfig(databaseUrl, options.timeouts ?? REQUEST_TIMEOUTS, options.poolSize ?? DEFAULT_POOL_SIZE);
  const pool = new DisposingPostgresPool(config, options.logger);
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  options.logger.info({ poolSize: config.max }, 'PostgreSQL database open');
  return createDatabase('postgres', db, async () => {
    await db.destroy();
    // Kysely skips its destroy if no query ever ran, and would then open the pool on the next query.
    await pool.end();
  });
}

/** Wraps an open Kysely instance; `closeOnce` runs at most once. */
function createDatabase(kind: Database['kind'], db: Kysely<DatabaseSchema>, closeOnce: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return {
    kind,
    db,
    ping: (timeoutMs = DEFAULT_PING_TIMEOUT_MS) => pingWithin(db, timeoutMs),
    close: () => (closing ??= closeOnce()),
  };
}

/**
 * Runs `select 1`, giving up after `timeoutMs` whatever the driver does.
 *
 * @param db - the database
 * @param timeoutMs - the limit
 * @throws DatabaseUnavailableError on timeout or any driver error (the cause attached)
 */
export async function pingWithin(db: Kysely<DatabaseSchema>, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(sql`select 1`.execute(db), timeoutMs, 'the database');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnavailableError(
      error instanceof TimeoutError ? reason : `the database did not answer: ${reason}`,
      { cause: error },
    );
  }
}
