import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest, migrationProvider, migrations } from '../../src/db/migrations/index.js';
import type { ApprovalRole } from '../../src/db/schema.js';
import { findOrCreateUserByEmail, findUserByEmail } from '../../src/db/users-repository.js';
import type { ApprovalStatus } from '../../src/shared/approval.js';
import { testEngines, testLogger, type EngineContext } from './engines.js';

const TABLES = ['approval_participants', 'approvals', 'email_deliveries', 'sessions', 'users'];

async function appliedMigrations(database: Database): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  return result.rows.map((row) => row.name);
}

async function appTables(database: Database): Promise<string[]> {
  const tables = await database.db.introspection.getTables();
  return tables
    .map((table) => table.name)
    .filter((name) => !name.startsWith('kysely_'))
    .sort();
}

describe.each(testEngines())('migrations on $name', (engine) => {
  let context: EngineContext;

  beforeAll(async () => {
    context = await engine.prepare('migrations', true);
  });

  afterAll(async () => {
    await context?.cleanup();
  });

  it('creates every table on a new database, then is a no-op on re-open', async () => {
    const first = await context.open();
    try {
      expect(await appTables(first)).toEqual(TABLES);
      expect(await appliedMigrations(first)).toEqual(Object.keys(migrations));
      await findOrCreateUserByEmail(first.db, 'kept@example.com');
    } finally {
      await first.close();
    }
    const second = await context.open();
    try {
      expect(await appliedMigrations(second)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(second.db, testLogger)).toEqual([]);
      // Rows survive close and re-open (for PGlite: on disk under dataDir).
      expect(await findUserByEmail(second.db, 'kept@example.com')).toBeDefined();
    } finally {
      await second.close();
    }
  });

  it('can migrate all the way down and up again', async () => {
    const database = await context.open();
    try {
      const migrator = new Migrator({ db: database.db, provider: migrationProvider });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      expect(await appTables(database)).toEqual([]);
      expect(await migrateToLatest(database.db, testLogger)).toEqual(Object.keys(migrations));
      expect(await appTables(database)).toEqual(TABLES);
    } finally {
      await database.close();
    }
  });

  it('enforces unique emails and token hashes in the schema', async () => {
    const database = await context.open();
    try {
      const id = '00000000-0000-4000-8000-000000000001';
      await database.db.insertInto('users').values({ id, email: 'unique@example.com' }).execute();
      await expect(
        database.db
          .insertInto('users')
          .values({ id: '00000000-0000-4000-8000-000000000002', email: 'unique@example.com' })
          .execute(),
      ).rejects.toThrow(/unique|duplicate/i);
      const session = { user_id: id, token_hash: 'same-hash', expires_at: new Date() };
      await database.db.insertInto('sessions').values({ id: '00000000-0000-4000-8000-000000000003', ...session }).execute();
      await expect(
        database.db.insertInto('sessions').values({ id: '00000000-0000-4000-8000-000000000004', ...session }).execute(),
      ).rejects.toThrow(/unique|duplicate/i);
    } finally {
      await database.close();
    }
  });

  it('deletes participants with their approval and checks statuses and roles', async () => {
    const database = await context.open();
    try {
      const id = '00000000-0000-4000-8000-0000000000a1';
      const approval = { id, requested_by: 'r@example.com', status: 'pending', created_at: new Date(), version: 1, snapshot: '{}' } as const;
      const participant = { approval_id: id, email: 'r@example.com', role: 'requester' } as const;
      await database.db.insertInto('approvals').values(approval).execute();
      await database.db.insertInto('approval_participants').values(participant).execute();
      const role = 'owner' as unknown as ApprovalRole;
      await expect(database.db.insertInto('approval_participants').values({ ...participant, role }).execute()).rejects.toThrow(/check/i);
      const status = 'done' as unknown as ApprovalStatus;
      const other = { ...approval, id: id.replace('a1', 'a2'), status };
      await expect(database.db.insertInto('approvals').values(other).execute()).rejects.toThrow(/check/i);
      await database.db.deleteFrom('approvals').where('id', '=', id).execute();
      expect(await database.db.selectFrom('approval_participants').select('email').where('approval_id', '=', id).execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('migrations on postgres, several processes at once', () => {
  it('lets concurrent opens of a new database all succeed, migrating once', async () => {
    const [engine] = testEngines().filter((candidate) => candidate.name === 'postgres');
    const context = await engine!.prepare('migrations_race', true);
    try {
      const databases = await Promise.all([context.open(), context.open(), context.open()]);
      expect(await appliedMigrations(databases[0])).toEqual(Object.keys(migrations));
      await Promise.all(databases.map((database) => database.close()));
    } finally {
      await context.cleanup();
    }
  });
});
