import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database created for one test file on the server of `DATABASE_URL`. */
export interface TestDatabase {
  /** Its name (`<prefix>_<pid>_<random>`). */
  readonly name: string;
  /** Connection string to it. */
  readonly url: string;
  /** Drops it, closing any connection still open to it; idempotent. */
  drop(): Promise<void>;
}

/**
 * Runs `work` on a fresh connection to `url` and closes it afterwards.
 *
 * @param url - a connection string
 * @param work - what to do with the client
 * @returns what `work` returns
 */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named, empty database next to the one `baseUrl` names, so
 * test files running in parallel never see each other's rows.
 *
 * @param baseUrl - a connection string with rights to create databases (e.g. `DATABASE_URL`)
 * @param prefix - start of the name, e.g. the test file's topic
 * @returns the database and how to drop it
 */
export async function createTestDatabase(baseUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `${safePrefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const identifier = pg.escapeIdentifier(name);
  await withClient(baseUrl, (client) => client.query(`create database ${identifier}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop(): Promise<void> {
      if (dropped) return;
      dropped = true;
      await withClient(baseUrl, (client) => client.query(`drop database if exists ${identifier} with (force)`));
    },
  };
}
