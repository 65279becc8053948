import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';

/** What activities may use; given once to the factory by the worker. */
export interface ActivityDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
}

/**
 * Builds the worker's activities around their dependencies (dependency
 * injection, as in the Temporal samples). Workflows import only the *type* of
 * the returned object, never the implementations.
 *
 * @param _deps - the dependencies shared by all activities
 * @returns the activity functions, keyed by their Temporal type name
 */
export function createActivities(_deps: ActivityDeps): Record<string, never> {
  return {};
}

/** The activity interface that workflows proxy. */
export type Activities = ReturnType<typeof createActivities>;
