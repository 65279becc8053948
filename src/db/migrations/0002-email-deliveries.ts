import { sql, type Kysely } from 'kysely';

/**
 * Creates `email_deliveries`, the record that makes mail sending idempotent.
 *
 * @param db - the database, inside the migration transaction
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('email_deliveries')
    .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .execute();
}

/**
 * Drops what {@link up} created.
 *
 * @param db - the database, inside the migration transaction
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_deliveries').execute();
}
