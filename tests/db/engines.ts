import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../../src/db/database.js';
import { createLogger } from '../../src/utils/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { copyPgliteTemplate } from './pglite-template.js';

/** A silent logger for data-layer tests. */
export const testLogger = createLogger('silent', 'db-test');

/** One database prepared for one test file. */
export interface EngineContext {
  readonly options: OpenDatabaseOptions;
  /** Opens (and migrates) the prepared database; may be called again after close. */
  open(): Promise<Database>;
  /** Deletes the temp dir or drops the test database. */
  cleanup(): Promise<void>;
}

/** An engine the data layer runs on. */
export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  /**
   * @param topic - names the temp dir or database
   * @param empty - true: a truly empty database; false (default): PGlite may start
   *   from a copy of a migrated template, which is much faster than its initdb
   * @returns a fresh database of its own
   */
  prepare(topic: string, empty?: boolean): Promise<EngineContext>;
}

async function prepare(topic: string, databaseUrl: string | undefined, empty: boolean): Promise<EngineContext> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${topic}-`));
  let database: TestDatabase | undefined;
  try {
    if (databaseUrl === undefined && !empty) await copyPgliteTemplate(dataDir);
    if (databaseUrl !== undefined) database = await createTestDatabase(databaseUrl, topic);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const options: OpenDatabaseOptions = { databaseUrl: database?.url, dataDir, logger: testLogger };
  return {
    options,
    open: () => openDatabase(options),
    async cleanup(): Promise<void> {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * PGlite always; PostgreSQL too when `DATABASE_URL` is set.
 *
 * @returns the engines to run every data-layer test against
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{ name: 'pglite', prepare: (topic, empty = false) => prepare(topic, undefined, empty) }];
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (databaseUrl) engines.push({ name: 'postgres', prepare: (topic, empty = false) => prepare(topic, databaseUrl, empty) });
  return engines;
}

/**
 * Gives the surrounding `describe` block a fresh database of `engine`: opened
 * in `beforeAll`, closed and removed in `afterAll`.
 *
 * @param engine - the engine to run on
 * @param topic - names the temp dir or database
 * @returns a getter for the open database, for use inside tests and later hooks
 */
export function useDatabase(engine: TestEngine, topic: string): () => Database {
  let context: EngineContext | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    context = await engine.prepare(topic);
    database = await context.open();
  });
  afterAll(async () => {
    await database?.close();
    await context?.cleanup();
  });
  return () => {
    if (database === undefined) throw new Error(`the ${topic} database is not open yet`);
    return database;
  };
}
