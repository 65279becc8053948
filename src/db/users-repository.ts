import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, UsersTable } from './schema.js';
import { normaliseEmail } from '../shared/email.js';

/** A user: one per normalised email address. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly createdAt: Date;
}

/**
 * Maps a `users` row to a {@link User}.
 *
 * @param row - the row
 * @returns the user
 */
export function toUser(row: Selectable<UsersTable>): User {
  return { id: row.id, email: row.email, createdAt: row.created_at };
}

/**
 * Returns the user with this email, creating it on first use. Race-safe and
 * idempotent: concurrent or retried calls for one email yield one user
 * (`insert … on conflict (email) do nothing`, then a read).
 *
 * @param db - the database (or a transaction)
 * @param email - the address; normalised (trimmed, lower-cased) before use
 * @param newId - id for the user if it has to be created (default: a random UUID)
 * @returns the existing or new user
 */
export async function findOrCreateUserByEmail(
  db: Kysely<DatabaseSchema>,
  email: string,
  newId: string = randomUUID(),
): Promise<User> {
  const normalised = normaliseEmail(email);
  const inserted = await db
    .insertInto('users')
    .values({ id: newId, email: normalised })
    .onConflict((conflict) => conflict.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return toUser(inserted);
  const existing = await findUserByEmail(db, normalised);
  if (existing === undefined) throw new Error('user vanished between insert and read');
  return existing;
}

/**
 * Looks a user up by id.
 *
 * @param db - the database (or a transaction)
 * @param id - the user's UUID
 * @returns the user, or undefined when there is none
 */
export async function findUserById(db: Kysely<DatabaseSchema>, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

/**
 * Looks a user up by email.
 *
 * @param db - the database (or a transaction)
 * @param email - the address; normalised before use
 * @returns the user, or undefined when there is none
 */
export async function findUserByEmail(db: Kysely<DatabaseSchema>, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}
