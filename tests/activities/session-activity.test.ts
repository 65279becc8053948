import { createHash, randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createCreateSessionActivity } from '../../src/activities/session-activity.js';
import type { CreateSessionInput } from '../../src/activities/types.js';
import type { Database } from '../../src/db/database.js';
import { findUserByEmail } from '../../src/db/users-repository.js';
import { testEngines, testLogger, useDatabase } from '../db/engines.js';
import { failureOf, runIn } from '../helpers/activity-env.js';

const env = new MockActivityEnvironment(
  { activityId: '7', workflowExecution: { workflowId: 'sign-in-session-test', runId: randomUUID() } },
  { logger: new DefaultLogger('ERROR') },
);

function sessionInput(email: string): CreateSessionInput {
  return {
    email,
    sessionId: randomUUID(),
    tokenHash: createHash('sha256').update(randomUUID()).digest('hex'),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

async function countRows(database: Database, email: string): Promise<{ users: number; sessions: number }> {
  const users = await database.db.selectFrom('users').select('id').where('email', '=', email).execute();
  const sessions = await database.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select('sessions.id')
    .where('users.email', '=', email)
    .execute();
  return { users: users.length, sessions: sessions.length };
}

describe.each(testEngines())('createSessionActivity on $name', (engine) => {
  const database = useDatabase(engine, 'session-activity');
  const activity = () => createCreateSessionActivity({ logger: testLogger, database: database() });

  it('is named after its Temporal type', () => {
    expect(activity().name).toBe('createSessionActivity');
  });

  it('creates the user and the session once, however often it is retried', async () => {
    const input = sessionInput('ida@example.com');
    const first = await runIn(env, activity(), input);
    const retry = await runIn(env, activity(), input);
    expect(retry).toEqual(first);
    expect(first.user).toEqual({ id: (await findUserByEmail(database().db, 'ida@example.com'))?.id, email: 'ida@example.com' });
    expect(await countRows(database(), 'ida@example.com')).toEqual({ users: 1, sessions: 1 });
    const row = await database().db.selectFrom('sessions').selectAll().where('id', '=', input.sessionId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: first.user.id, token_hash: input.tokenHash, revoked_at: null });
    expect(row.expires_at.toISOString()).toBe(input.expiresAt);
  });

  it('reuses the user for a second session of the same (normalised) email', async () => {
    const first = await runIn(env, activity(), sessionInput('jon@example.com'));
    const second = await runIn(env, activity(), sessionInput('  JON@Example.com '));
    expect(second.user).toEqual(first.user);
    expect(await countRows(database(), 'jon@example.com')).toEqual({ users: 1, sessions: 2 });
  });

  it('makes one user for concurrent first sign-ins of one email', async () => {
    const results = await Promise.all([1, 2, 3].map(() => runIn(env, activity(), sessionInput('kim@example.com'))));
    expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
    expect(await countRows(database(), 'kim@example.com')).toEqual({ users: 1, sessions: 3 });
  });

  it('refuses a session id taken by another token as non-retryable session_conflict, creating nothing', async () => {
    const input = sessionInput('lea@example.com');
    await runIn(env, activity(), input);
    const sameToken = await failureOf(runIn(env, activity(), { ...input, tokenHash: 'f'.repeat(64) }));
    expect(sameToken).toMatchObject({ type: 'session_conflict', nonRetryable: true });
    const otherUser = await failureOf(runIn(env, activity(), { ...input, email: 'max@example.com' }));
    expect(otherUser).toMatchObject({ type: 'session_conflict', nonRetryable: true });
    // The transaction rolled back: the other email got no user.
    expect(await findUserByEmail(database().db, 'max@example.com')).toBeUndefined();
    expect(await countRows(database(), 'lea@example.com')).toEqual({ users: 1, sessions: 1 });
  });

  it('fails retryably with database_unavailable when the database is gone', async () => {
    const context = await engine.prepare('session-activity-closed');
    try {
      const closed = await context.open();
      await closed.close();
      const failure = await failureOf(runIn(env, createCreateSessionActivity({ logger: testLogger, database: closed }), sessionInput('ned@example.com')));
      expect(failure).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
    } finally {
      await context.cleanup();
    }
  });

  it('refuses an expiry that is not a date for good', async () => {
    const failure = await failureOf(runIn(env, activity(), { ...sessionInput('ola@example.com'), expiresAt: 'soon' }));
    expect(failure.nonRetryable).toBe(true);
    expect(await findUserByEmail(database().db, 'ola@example.com')).toBeUndefined();
  });
});
