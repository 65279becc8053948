import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { DatabaseError, Pool, type PoolConfig, type QueryResult } from 'pg';
import type { Logger } from 'pino';
import { DatabaseUnavailableError } from './errors.js';

/**
 * Timeouts so that a dead or stalled PostgreSQL makes calls fail fast instead of
 * hanging: at most `connectMs` to get a connection plus `queryMs` for the
 * answer, which keeps an API request under its 5 s budget.
 */
export interface PostgresTimeouts {
  /** Waiting for a pooled connection or opening a new one. */
  readonly connectMs: number;
  /** Server-side `statement_timeout`. */
  readonly statementMs: number;
  /** Client-side limit on waiting for an answer (covers a silent network). */
  readonly queryMs: number;
}

/** Timeouts for request-time queries. */
export const REQUEST_TIMEOUTS: PostgresTimeouts = { connectMs: 2_000, statementMs: 2_500, queryMs: 3_000 };

/** Timeouts for migrations at start, which may wait for another process's migration lock. */
export const MIGRATION_TIMEOUTS: PostgresTimeouts = { connectMs: 5_000, statementMs: 120_000, queryMs: 125_000 };

/** Connections per process; the API and the worker each hold one pool. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Builds the `pg` pool configuration for a connection string.
 *
 * @param connectionString - the `DATABASE_URL`
 * @param timeouts - see {@link PostgresTimeouts}
 * @param max - pool size
 * @returns options for `new pg.Pool`
 */
export function postgresPoolConfig(connectionString: string, timeouts: PostgresTimeouts, max: number): PoolConfig {
  return {
    connectionString,
    max,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: 60_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'durable-auth-approvals',
  };
}

/**
 * A `pg` pool for Kysely that throws away a connection whose query failed for
 * any reason other than a PostgreSQL error (client-side timeout, broken
 * socket): `pg` would otherwise return it to the pool still busy with the
 * unanswered query, and every later query on it would time out too.
 */
export class DisposingPostgresPool implements PostgresPool {
  /** The underlying `pg` pool. */
  readonly pool: Pool;
  private ending: Promise<void> | undefined;

  /**
   * @param config - `pg` pool options
   * @param logger - receives errors of idle and checked-out connections (which would otherwise crash the process)
   */
  constructor(
    config: PoolConfig,
    private readonly logger: Logger,
  ) {
    this.pool = new Pool(config);
    this.pool.on('error', (error) => {
      logger.warn({ err: error }, 'idle PostgreSQL connection failed');
    });
  }

  /**
   * Checks a connection out of the pool. While it is out, a socket error (e.g.
   * a reset during a query or between two queries of a transaction) is logged
   * here: `pg-pool` removes its own listener from a checked-out client, and an
   * `'error'` event nobody listens to would be an uncaught exception that ends
   * the process. The work on the connection fails on its own (the query
   * rejects), and the broken client is dropped from the pool on release.
   *
   * @returns a client that Kysely releases after use
   */
  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    const onError = (error: Error): void => {
      this.logger.warn({ err: error }, 'PostgreSQL connection in use failed');
    };
    client.on('error', onError);
    return disposingClient({
      query: (sql, values) => client.query(sql, values),
      release: (error) => {
        client.removeListener('error', onError);
        client.release(error);
      },
    });
  }

  /** Closes every connection; idempotent. Later `connect` calls reject. */
  end(): Promise<void> {
    return (this.ending ??= this.pool.end());
  }
}

/** The part of a `pg` pool client that {@link disposingClient} uses. */
export interface PooledClient {
  query(sql: string, values: unknown[]): Promise<QueryResult>;
  release(error?: Error): void;
}

/**
 * Adapts a pooled `pg` client for Kysely. After a failure that is not a
 * PostgreSQL error (the connection may still be busy), it fails further
 * queries at once and, on release, makes the pool destroy the connection.
 *
 * @param client - a client checked out of a `pg` pool
 * @returns the client Kysely uses
 */
export function disposingClient(client: PooledClient): PostgresPoolClient {
  let broken = false;
  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') throw new Error('Streaming queries are not configured');
    return runQuery<R>(sqlOrCursor, parameters);
  }
  async function runQuery<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    // Fail at once rather than queue behind a query that never answered (e.g. the rollback after it).
    if (broken) throw new DatabaseUnavailableError('PostgreSQL connection lost after a failed query');
    try {
      const result = await client.query(sql, [...parameters]);
      const command = result.command as PostgresQueryResult<R>['command'];
      return { command, rowCount: result.rowCount ?? 0, rows: result.rows as R[] };
    } catch (error) {
      if (!(error instanceof DatabaseError)) broken = true;
      throw error;
    }
  }
  return {
    query,
    release: () => {
      client.release(broken ? new DatabaseUnavailableError('connection discarded after a failed query') : undefined);
    },
  };
}
