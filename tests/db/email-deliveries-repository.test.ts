import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimDelivery, markDelivered } from '../../src/db/email-deliveries-repository.js';
import { testEngines, useDatabase } from './engines.js';

describe.each(testEngines())('email deliveries repository on $name', (engine) => {
  const database = useDatabase(engine, 'deliveries');

  it('claims a new send request as not yet sent, also when claimed again before sending', async () => {
    const key = `sign-in:${randomUUID()}`;
    expect(await claimDelivery(database().db, key, 'sign-in-code')).toEqual({ alreadySent: false, messageId: null });
    expect(await claimDelivery(database().db, key, 'sign-in-code')).toEqual({ alreadySent: false, messageId: null });
    const row = await database().db
      .selectFrom('email_deliveries')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'sign-in-code', sent_at: null, message_id: null });
  });

  it('reports a marked delivery as already sent, with its message id', async () => {
    const key = `approval:${randomUUID()}`;
    await claimDelivery(database().db, key);
    await markDelivered(database().db, key, '<first@example.com>');
    expect(await claimDelivery(database().db, key)).toEqual({ alreadySent: true, messageId: '<first@example.com>' });
  });

  it('keeps the first mark when marked twice', async () => {
    const key = `reminder:${randomUUID()}`;
    await claimDelivery(database().db, key);
    const sentAt = new Date('2030-01-01T00:00:00Z');
    await markDelivered(database().db, key, '<one@example.com>', sentAt);
    await markDelivered(database().db, key, '<two@example.com>');
    const row = await database().db
      .selectFrom('email_deliveries')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(row.message_id).toBe('<one@example.com>');
    expect(row.sent_at?.toISOString()).toBe(sentAt.toISOString());
    expect(row.kind).toBe('email');
  });

  it('allows a transport without message ids', async () => {
    const key = `outbox:${randomUUID()}`;
    await claimDelivery(database().db, key);
    await markDelivered(database().db, key, null);
    expect(await claimDelivery(database().db, key)).toEqual({ alreadySent: true, messageId: null });
  });

  it('gives one row to racing claims', async () => {
    const key = `race:${randomUUID()}`;
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimDelivery(database().db, key)));
    expect(claims.every((claim) => !claim.alreadySent)).toBe(true);
    const rows = await database().db.selectFrom('email_deliveries').select('kind').where('idempotency_key', '=', key).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses to mark a request that was never claimed', async () => {
    await expect(markDelivered(database().db, `never:${randomUUID()}`, 'x')).rejects.toThrow(/never claimed/);
  });
});
