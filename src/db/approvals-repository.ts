import { Buffer } from 'node:buffer';
import { sql, type Kysely } from 'kysely';
import type { Approval, ApprovalStatus } from '../shared/approval.js';
import type { ApprovalRole, DatabaseSchema } from './schema.js';

/** A page token that this module did not issue (or that was altered); the API answers 400. */
export class InvalidPageTokenError extends Error {
  constructor() {
    super('The page token is not valid');
    this.name = 'InvalidPageTokenError';
  }
}

/** A snapshot that can never be stored (a caller bug; retrying will not help). */
export class InvalidApprovalSnapshotError extends Error {
  /** @param reason - what is wrong, for a person */
  constructor(reason: string) {
    super(`Invalid approval snapshot: ${reason}`);
    this.name = 'InvalidApprovalSnapshotError';
  }
}

/** What {@link listApprovals} lists. */
export interface ApprovalListQuery {
  /** The participant's normalised email. */
  readonly email: string;
  /** Only approvals where `email` has this role; either role when absent. */
  readonly role?: ApprovalRole | undefined;
  readonly status?: ApprovalStatus | undefined;
  /** At most this many items (a positive integer). */
  readonly pageSize: number;
  /** `nextPageToken` of the previous page; absent for the first page. */
  readonly pageToken?: string | undefined;
}

/** One page of {@link listApprovals}. */
export interface ApprovalPage {
  /** Newest first (createdAt, then id, descending). */
  readonly items: Approval[];
  /** Token of the next page, or null when this is the last one. */
  readonly nextPageToken: string | null;
}

/** Position after which the next page starts. */
interface Cursor {
  readonly createdAt: Date;
  readonly id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_VERSION = 2_147_483_647;

function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

function decodePageToken(token: string): Cursor {
  const bytes = Buffer.from(token, 'base64url');
  // Node's decoder skips characters outside the alphabet; refuse anything that is not canonical.
  if (token.length === 0 || bytes.toString('base64url') !== token) throw new InvalidPageTokenError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidPageTokenError();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !ISO_MS.test(createdAt) || !UUID.test(id)) {
    throw new InvalidPageTokenError();
  }
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw new InvalidPageTokenError();
  return { createdAt: date, id: id.toLowerCase() };
}

function participants(approval: Approval): { email: string; role: ApprovalRole }[] {
  const approvers = [...new Set(approval.approvers)].map((email) => ({ email, role: 'approver' as const }));
  return [{ email: approval.requestedBy, role: 'requester' as const }, ...approvers];
}

/**
 * Stores a snapshot of an approval where listings and reads find it: inserts
 * the approval and its participants (the requester as `requester`, each
 * approver as `approver`; they never change), or, if the approval is stored,
 * replaces its status and snapshot only when `version` is higher than the
 * stored one, so a stale snapshot arriving late (after a retry) never
 * overwrites a newer one. One transaction; idempotent: repeating a call
 * changes nothing (a different snapshot under an equal version is ignored too).
 *
 * @param db - the database (not a transaction: this opens its own)
 * @param approval - the approval as it stands
 * @param version - the workflow's change counter of `approval` (0 to 2^31-1)
 * @returns true when this call changed the stored approval, false when it was already as new or newer
 * @throws InvalidApprovalSnapshotError when `createdAt` is not a date, `id` not a UUID or `version` out of range
 */
export async function recordApprovalSnapshot(
  db: Kysely<DatabaseSchema>,
  approval: Approval,
  version: number,
): Promise<boolean> {
  const createdAt = new Date(approval.createdAt);
  if (Number.isNaN(createdAt.getTime())) throw new InvalidApprovalSnapshotError('createdAt is not a date');
  if (!UUID.test(approval.id)) throw new InvalidApprovalSnapshotError('id is not a UUID');
  if (!Number.isInteger(version) || version < 0 || version > MAX_VERSION) {
    throw new InvalidApprovalSnapshotError('version is not an integer from 0 to 2^31-1');
  }
  // Only `trx` inside: PGlite has one connection, so `db` would wait for this transaction.
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .insertInto('approvals')
      .values({
        id: approval.id,
        requested_by: approval.requestedBy,
        status: approval.status,
        created_at: createdAt,
        version,
        snapshot: JSON.stringify(approval),
      })
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            snapshot: eb.ref('excluded.snapshot'),
            version: eb.ref('excluded.version'),
            updated_at: sql<Date>`now()`,
          }))
          .where((eb) => eb('approvals.version', '<', eb.ref('excluded.version'))),
      )
      .returning('id')
      .executeTakeFirst();
    if (changed === undefined) return false;
    await trx
      .insertInto('approval_participants')
      .values(participants(approval).map((participant) => ({ approval_id: approval.id, ...participant })))
      .onConflict((conflict) => conflict.columns(['approval_id', 'email', 'role']).doNothing())
      .execute();
    return true;
  });
}

/**
 * Reads the latest recorded snapshot of an approval. Does not check who asks.
 *
 * @param db - the database (or a transaction)
 * @param id - the approval's id (anything that is not a UUID finds nothing)
 * @returns the approval, or undefined when none is recorded under `id`
 */
export async function findApproval(db: Kysely<DatabaseSchema>, id: string): Promise<Approval | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.selectFrom('approvals').select('snapshot').where('id', '=', id).executeTakeFirst();
  return row?.snapshot;
}

/**
 * Lists the approvals `query.email` takes part in (in `query.role`, or in
 * either role, each approval once), optionally of one status, newest first
 * (createdAt, then id, descending), one keyset page at a time. The page token
 * is opaque (base64url of the last item's createdAt and id), so pages neither
 * overlap nor skip items when approvals are added meanwhile.
 *
 * @param db - the database (or a transaction)
 * @param query - see {@link ApprovalListQuery}
 * @returns up to `pageSize` approvals and the next page's token (null on the last page)
 * @throws InvalidPageTokenError when `pageToken` is not one this function issued
 * @throws RangeError when `pageSize` is not a positive integer
 */
export async function listApprovals(db: Kysely<DatabaseSchema>, query: ApprovalListQuery): Promise<ApprovalPage> {
  const { email, role, status, pageSize } = query;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const after = query.pageToken === undefined ? undefined : decodePageToken(query.pageToken);
  let select = db
    .selectFrom('approvals as a')
    .select(['a.id', 'a.created_at', 'a.snapshot'])
    .where((eb) => {
      let takesPart = eb
        .selectFrom('approval_participants as p')
        .select('p.approval_id')
        .whereRef('p.approval_id', '=', 'a.id')
        .where('p.email', '=', email);
      if (role !== undefined) takesPart = takesPart.where('p.role', '=', role);
      return eb.exists(takesPart);
    });
  if (status !== undefined) select = select.where('a.status', '=', status);
  if (after !== undefined) {
    select = select.where((eb) => eb(eb.refTuple('a.created_at', 'a.id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  const rows = await select.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(pageSize + 1).execute();
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    items: page.map((row) => row.snapshot),
    nextPageToken: rows.length > pageSize && last !== undefined ? encodePageToken({ createdAt: last.created_at, id: last.id }) : null,
  };
}
