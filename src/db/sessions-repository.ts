import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, SessionsTable } from './schema.js';
import type { User } from './users-repository.js';

/** A bearer session. Only the hash of its token is known to the database. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

/** What {@link createSession} needs; the caller generates the id and hashes the token. */
export interface NewSession {
  /** UUID chosen by the caller once per sign-in, so a retried creation is recognised. */
  readonly id: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

/** A live session with its user. */
export interface ActiveSession {
  readonly session: Session;
  readonly user: User;
}

/** A session with this id exists but belongs to another user or token (a caller bug). */
export class SessionConflictError extends Error {
  /** @param id - the session id */
  constructor(readonly id: string) {
    super(`Session ${id} already exists with a different user or token`);
    this.name = 'SessionConflictError';
  }
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Creates a session, idempotent on `id`: a retry returns the session the first
 * attempt created (its `expiresAt` wins) and creates no second row.
 *
 * @param db - the database (or a transaction)
 * @param input - see {@link NewSession}
 * @returns the stored session
 * @throws SessionConflictError when `id` is taken by another user or token hash
 */
export async function createSession(db: Kysely<DatabaseSchema>, input: NewSession): Promise<Session> {
  const inserted = await db
    .insertInto('sessions')
    .values({ id: input.id, user_id: input.userId, token_hash: input.tokenHash, expires_at: input.expiresAt })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return toSession(inserted);
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
  if (row.user_id !== input.userId || row.token_hash !== input.tokenHash) throw new SessionConflictError(input.id);
  return toSession(row);
}

/**
 * Finds the session of a token: not revoked and not expired at `now`.
 *
 * @param db - the database (or a transaction)
 * @param tokenHash - hash of the presented bearer token
 * @param now - the current time
 * @returns the session and its user, or undefined when the token is unknown, revoked or expired
 */
export async function findActiveSessionByTokenHash(
  db: Kysely<DatabaseSchema>,
  tokenHash: string,
  now: Date,
): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.email as user_email', 'users.created_at as user_created_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    session: toSession(row),
    user: { id: row.user_id, email: row.user_email, createdAt: row.user_created_at },
  };
}

/**
 * Revokes the session of a token; idempotent (an already revoked session keeps
 * its first `revokedAt`).
 *
 * @param db - the database (or a transaction)
 * @param tokenHash - hash of the bearer token
 * @param now - the revocation time
 * @returns true when this call revoked a session, false when none was live under that hash
 */
export async function revokeSession(db: Kysely<DatabaseSchema>, tokenHash: string, now: Date): Promise<boolean> {
  const revoked = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return revoked !== undefined;
}
