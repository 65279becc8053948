import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** State of a send request after {@link claimDelivery}. */
export interface DeliveryClaim {
  /** True when an earlier attempt already sent this mail: do not send again. */
  readonly alreadySent: boolean;
  /** The transport's message id of that earlier send, if any. */
  readonly messageId: string | null;
}

/**
 * Records a send request before sending (insert, or nothing if it exists) and
 * tells whether it was already sent. Call it first in a send activity; if
 * `alreadySent`, return without sending; else send, then {@link markDelivered}.
 * A retry after a crash between sending and marking sends again (at least
 * once); a retry after marking sends nothing.
 *
 * @param db - the database (or a transaction)
 * @param idempotencyKey - names one send request (stable across activity retries)
 * @param kind - what kind of mail it is, for operators (e.g. `sign-in-code`)
 * @returns whether the mail is already sent
 */
export async function claimDelivery(
  db: Kysely<DatabaseSchema>,
  idempotencyKey: string,
  kind = 'email',
): Promise<DeliveryClaim> {
  await db
    .insertInto('email_deliveries')
    .values({ idempotency_key: idempotencyKey, kind })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .execute();
  const row = await db
    .selectFrom('email_deliveries')
    .select(['sent_at', 'message_id'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirstOrThrow();
  return { alreadySent: row.sent_at !== null, messageId: row.message_id };
}

/**
 * Marks a claimed send request as sent; idempotent (the first mark wins).
 *
 * @param db - the database (or a transaction)
 * @param idempotencyKey - the key given to {@link claimDelivery}
 * @param messageId - the transport's message id
 * @param now - the send time (default: now)
 * @throws Error when the request was never claimed
 */
export async function markDelivered(
  db: Kysely<DatabaseSchema>,
  idempotencyKey: string,
  messageId: string | null,
  now: Date = new Date(),
): Promise<void> {
  const updated = await db
    .updateTable('email_deliveries')
    .set({ sent_at: now, message_id: messageId })
    .where('idempotency_key', '=', idempotencyKey)
    .where('sent_at', 'is', null)
    .returning('idempotency_key')
    .executeTakeFirst();
  if (updated !== undefined) return;
  const exists = await db
    .selectFrom('email_deliveries')
    .select('idempotency_key')
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  if (exists === undefined) throw new Error(`email delivery ${idempotencyKey} was never claimed`);
}
