import { sql, type Kysely } from 'kysely';

/**
 * Creates `approvals` (the listing projection of approval workflows: one row
 * per approval with its latest snapshot) and `approval_participants` (who
 * takes part, in which role).
 *
 * The listing query is "approvals where email X takes part (in role R), newest
 * first, keyset-paged on (created_at, id)". It is served from either side:
 * `approval_participants_email_role_idx` (covering: email, role, approval_id)
 * finds a participant's approvals; `approvals_created_at_id_idx` walks approvals
 * newest first (with the keyset condition as its index bound) while the primary
 * key of `approval_participants` (approval_id first) answers "does X take part
 * in this one" per row.
 *
 * @param db - the database, inside the migration transaction
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    // The approval's createdAt, not the time of the insert.
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('snapshot', 'jsonb', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'approvals_status_check',
      sql`status in ('pending', 'approved', 'rejected', 'expired', 'cancelled')`,
    )
    .execute();

  await db.schema
    .createIndex('approvals_created_at_id_idx')
    .on('approvals')
    .expression(sql`created_at desc, id desc`)
    .execute();

  await db.schema
    .createTable('approval_participants')
    .addColumn('approval_id', 'uuid', (col) => col.notNull().references('approvals.id').onDelete('cascade'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('approval_participants_pkey', ['approval_id', 'email', 'role'])
    .addCheckConstraint('approval_participants_role_check', sql`role in ('requester', 'approver')`)
    .execute();

  await db.schema
    .createIndex('approval_participants_email_role_idx')
    .on('approval_participants')
    .columns(['email', 'role', 'approval_id'])
    .execute();
}

/**
 * Drops what {@link up} created.
 *
 * @param db - the database, inside the migration transaction
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approval_participants').execute();
  await db.schema.dropTable('approvals').execute();
}
