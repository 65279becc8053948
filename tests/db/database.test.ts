import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/db/errors.js';
import { findUserByEmail } from '../../src/db/users-repository.js';
import { testEngines, useDatabase } from './engines.js';

describe.each(testEngines())('database on $name', (engine) => {
  const database = useDatabase(engine, 'database');

  it('reports its kind and answers ping', async () => {
    expect(database().kind).toBe(engine.name);
    await expect(database().ping()).resolves.toBeUndefined();
    await expect(database().ping(500)).resolves.toBeUndefined();
  });

  it('rolls a failed transaction back and keeps working', async () => {
    const email = `rollback-${randomUUID()}@example.com`;
    const failing = database().db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: randomUUID(), email }).execute();
      throw new Error('abort');
    });
    await expect(failing).rejects.toThrow('abort');
    expect(await findUserByEmail(database().db, email)).toBeUndefined();
    await database().ping();
  });

  const pgliteOnly = it.runIf(engine.name === 'pglite');

  pgliteOnly('queues other queries until an open transaction ends; ping times out meanwhile', async () => {
    const email = `serial-${randomUUID()}@example.com`;
    const events: string[] = [];
    let finish = (): void => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const transaction = database().db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: randomUUID(), email }).execute();
      events.push('inserted');
      await gate;
      events.push('committing');
    });
    while (!events.includes('inserted')) await sleep(5);

    const outside = findUserByEmail(database().db, email).then((user) => events.push(`outside saw ${user ? 1 : 0}`));
    const started = Date.now();
    await expect(database().ping(200)).rejects.toThrow(/did not answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(events).toEqual(['inserted']);

    finish();
    await transaction;
    await outside;
    expect(events).toEqual(['inserted', 'committing', 'outside saw 1']);
    await database().ping();
  });

  it('closes idempotently; a closed database refuses queries', async () => {
    await database().close();
    await database().close();
    await expect(database().ping(1_000)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
