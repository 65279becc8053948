import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSession,
  findActiveSessionByTokenHash,
  revokeSession,
  SessionConflictError,
  type NewSession,
} from '../../src/db/sessions-repository.js';
import { findOrCreateUserByEmail, type User } from '../../src/db/users-repository.js';
import { testEngines, useDatabase } from './engines.js';

const HOUR = 3_600_000;

function newSession(user: User, expiresAt = new Date(Date.now() + HOUR)): NewSession {
  const tokenHash = createHash('sha256').update(randomUUID()).digest('base64url');
  return { id: randomUUID(), userId: user.id, tokenHash, expiresAt };
}

describe.each(testEngines())('sessions repository on $name', (engine) => {
  const database = useDatabase(engine, 'sessions');
  let user: User;

  beforeAll(async () => {
    user = await findOrCreateUserByEmail(database().db, 'session-owner@example.com');
  });

  it('creates a session and finds it with its user by token hash', async () => {
    const input = newSession(user);
    const session = await createSession(database().db, input);
    expect(session).toMatchObject({ id: input.id, userId: user.id, tokenHash: input.tokenHash, revokedAt: null });
    expect(session.expiresAt.getTime()).toBe(input.expiresAt.getTime());
    const found = await findActiveSessionByTokenHash(database().db, input.tokenHash, new Date());
    expect(found?.session).toEqual(session);
    expect(found?.user).toEqual(user);
  });

  it('is idempotent on id: a retry returns the first session and adds no row', async () => {
    const input = newSession(user);
    const first = await createSession(database().db, input);
    const retry = await createSession(database().db, { ...input, expiresAt: new Date(Date.now() + 2 * HOUR) });
    expect(retry).toEqual(first);
    const both = await Promise.all([createSession(database().db, input), createSession(database().db, input)]);
    expect(both).toEqual([first, first]);
    const rows = await database().db.selectFrom('sessions').select('id').where('id', '=', input.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses an id already used by another token', async () => {
    const input = newSession(user);
    await createSession(database().db, input);
    await expect(createSession(database().db, { ...input, tokenHash: 'other-hash' })).rejects.toBeInstanceOf(
      SessionConflictError,
    );
  });

  it('does not find an expired session', async () => {
    const input = newSession(user, new Date(Date.now() + 1_000));
    await createSession(database().db, input);
    expect(await findActiveSessionByTokenHash(database().db, input.tokenHash, new Date())).toBeDefined();
    expect(await findActiveSessionByTokenHash(database().db, input.tokenHash, input.expiresAt)).toBeUndefined();
    const later = new Date(input.expiresAt.getTime() + 1);
    expect(await findActiveSessionByTokenHash(database().db, input.tokenHash, later)).toBeUndefined();
  });

  it('revokes a session once; it is not found afterwards', async () => {
    const input = newSession(user);
    await createSession(database().db, input);
    const revokedAt = new Date();
    expect(await revokeSession(database().db, input.tokenHash, revokedAt)).toBe(true);
    expect(await revokeSession(database().db, input.tokenHash, new Date(revokedAt.getTime() + 5_000))).toBe(false);
    expect(await findActiveSessionByTokenHash(database().db, input.tokenHash, new Date())).toBeUndefined();
    const row = await database().db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('id', '=', input.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at?.getTime()).toBe(revokedAt.getTime());
  });

  it('finds nothing for an unknown token hash', async () => {
    expect(await findActiveSessionByTokenHash(database().db, 'unknown', new Date())).toBeUndefined();
    expect(await revokeSession(database().db, 'unknown', new Date())).toBe(false);
  });

  it('keeps only the token hash, with a user that must exist', async () => {
    await expect(createSession(database().db, { ...newSession(user), userId: randomUUID() })).rejects.toThrow();
  });
});
