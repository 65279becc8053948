import type { Database } from '../db/database.js';
import { findActiveSessionByTokenHash, revokeSession, type ActiveSession } from '../db/sessions-repository.js';
import { hashSessionToken } from '../utils/secrets.js';

/** Looks bearer tokens up and revokes them; the database only ever sees their hashes. */
export interface SessionService {
  /** The live session of a token, or undefined when unknown, expired or revoked. */
  authenticate(token: string): Promise<ActiveSession | undefined>;
  /** Revokes a token's session at once; true when a live session was revoked. */
  revoke(token: string): Promise<boolean>;
}

/**
 * Sessions straight from the database: a read and a one-row update need no
 * workflow, and revocation takes effect for every API process immediately.
 *
 * @param database - the application database
 * @param now - the clock (tests may fix it)
 * @returns the service
 */
export function createSessionService(database: Database, now: () => Date = () => new Date()): SessionService {
  return {
    authenticate: (token) => findActiveSessionByTokenHash(database.db, hashSessionToken(token), now()),
    revoke: (token) => revokeSession(database.db, hashSessionToken(token), now()),
  };
}
