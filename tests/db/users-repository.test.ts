import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findOrCreateUserByEmail, findUserByEmail, findUserById } from '../../src/db/users-repository.js';
import { testEngines, useDatabase } from './engines.js';

describe.each(testEngines())('users repository on $name', (engine) => {
  const database = useDatabase(engine, 'users');

  it('creates a user on first use and returns the same one afterwards', async () => {
    const first = await findOrCreateUserByEmail(database().db, 'ada@example.com');
    const again = await findOrCreateUserByEmail(database().db, 'ada@example.com', randomUUID());
    expect(again).toEqual(first);
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('normalises the email before storing and looking up', async () => {
    const user = await findOrCreateUserByEmail(database().db, '  Grace.Hopper@Example.COM ');
    expect(user.email).toBe('grace.hopper@example.com');
    expect(await findOrCreateUserByEmail(database().db, 'grace.hopper@example.com')).toEqual(user);
    expect(await findUserByEmail(database().db, 'GRACE.HOPPER@example.com ')).toEqual(user);
  });

  it('uses the id the caller chose for a new user', async () => {
    const id = randomUUID();
    const user = await findOrCreateUserByEmail(database().db, 'chosen-id@example.com', id);
    expect(user.id).toBe(id);
  });

  it('yields one user when many calls race for the same email', async () => {
    const email = `race-${randomUUID()}@example.com`;
    const users = await Promise.all(Array.from({ length: 20 }, () => findOrCreateUserByEmail(database().db, email)));
    expect(new Set(users.map((user) => user.id)).size).toBe(1);
    const rows = await database().db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(rows).toHaveLength(1);
  });

  it('finds users by id and email, and returns undefined for unknown ones', async () => {
    const user = await findOrCreateUserByEmail(database().db, 'lookup@example.com');
    expect(await findUserById(database().db, user.id)).toEqual(user);
    expect(await findUserById(database().db, randomUUID())).toBeUndefined();
    expect(await findUserByEmail(database().db, 'nobody@example.com')).toBeUndefined();
  });
});
