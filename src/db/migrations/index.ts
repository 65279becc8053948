import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Logger } from 'pino';
import * as usersAndSessions from './0001-users-and-sessions.js';
import * as emailDeliveries from './0002-email-deliveries.js';
import * as approvals from './0003-approvals.js';

/**
 * Every migration, by name. Names sort in the order they run; never rename or
 * edit a migration that has shipped, add a new one instead.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-users-and-sessions': usersAndSessions,
  '0002-email-deliveries': emailDeliveries,
  '0003-approvals': approvals,
};

/** Serves {@link migrations} to Kysely's `Migrator` from code (no file-system scan). */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};

/**
 * Applies every pending migration; a no-op when the schema is current.
 * Safe to run from several processes at once (Kysely takes a database lock).
 *
 * @param db - the database to migrate
 * @param logger - receives one line per applied migration
 * @returns the names of the migrations applied by this call
 * @throws the first migration error, after its transaction rolled back
 */
export async function migrateToLatest<T>(db: Kysely<T>, logger: Logger): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'database migration applied');
    if (result.status === 'Error') logger.error({ migration: result.migrationName }, 'database migration failed');
  }
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error('database migration failed', { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
