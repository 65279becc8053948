import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  findApproval,
  InvalidApprovalSnapshotError,
  InvalidPageTokenError,
  listApprovals,
  recordApprovalSnapshot,
  type ApprovalListQuery,
} from '../../src/db/approvals-repository.js';
import type { Approval } from '../../src/shared/approval.js';
import { sampleApproval, sampleDecision } from '../helpers/sample-approval.js';
import { testEngines, useDatabase } from './engines.js';

/** Emails of their own per test, so tests sharing the database never see each other's approvals. */
function people(): { rita: string; abe: string; bea: string } {
  const tag = randomUUID().slice(0, 8);
  return { rita: `rita-${tag}@example.com`, abe: `abe-${tag}@example.com`, bea: `bea-${tag}@example.com` };
}

function minutesAfter(minutes: number): string {
  return new Date(Date.UTC(2025, 5, 1, 10, minutes)).toISOString();
}

describe.each(testEngines())('approvals repository on $name', (engine) => {
  const database = useDatabase(engine, 'approvals');
  const record = (approval: Approval, version: number) => recordApprovalSnapshot(database().db, approval, version);
  const list = (query: Omit<ApprovalListQuery, 'pageSize'> & { pageSize?: number }) =>
    listApprovals(database().db, { pageSize: 50, ...query });
  const ids = (items: readonly Approval[]) => items.map((item) => item.id);

  async function participantsOf(id: string): Promise<string[]> {
    const rows = await database().db.selectFrom('approval_participants').selectAll().where('approval_id', '=', id).execute();
    return rows.map((row) => `${row.role}:${row.email}`).sort();
  }

  it('inserts the approval, its row and its participants', async () => {
    const { rita, abe, bea } = people();
    const approval = sampleApproval({ requestedBy: rita, approvers: [abe, bea], createdAt: minutesAfter(7) });
    expect(await record(approval, 1)).toBe(true);
    expect(await findApproval(database().db, approval.id)).toEqual(approval);
    const row = await database().db.selectFrom('approvals').selectAll().where('id', '=', approval.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requested_by: rita, status: 'pending', version: 1 });
    expect(row.created_at.toISOString()).toBe(approval.createdAt);
    expect(await participantsOf(approval.id)).toEqual([`approver:${abe}`, `approver:${bea}`, `requester:${rita}`]);
  });

  it('is idempotent: a repeated or concurrent record changes nothing more', async () => {
    const approval = sampleApproval();
    expect(await record(approval, 1)).toBe(true);
    expect(await record(approval, 1)).toBe(false);
    const concurrent = sampleApproval();
    const results = await Promise.all([1, 2, 3].map(() => record(concurrent, 1)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await participantsOf(concurrent.id)).toHaveLength(3);
    expect(await findApproval(database().db, approval.id)).toEqual(approval);
  });

  it('applies a newer version and ignores a stale or equal one', async () => {
    const pending = sampleApproval();
    const decided = { ...pending, decisions: [sampleDecision('abe@example.com', 'approve')] };
    const approved = { ...decided, status: 'approved' as const, completedAt: minutesAfter(30) };
    expect(await record(pending, 1)).toBe(true);
    expect(await record(approved, 3)).toBe(true);
    expect(await record(decided, 2)).toBe(false);
    expect(await record({ ...approved, status: 'cancelled' }, 3)).toBe(false);
    expect(await findApproval(database().db, pending.id)).toEqual(approved);
    const row = await database().db.selectFrom('approvals').select(['status', 'version']).where('id', '=', pending.id).executeTakeFirst();
    expect(row).toEqual({ status: 'approved', version: 3 });
    expect(await participantsOf(pending.id)).toHaveLength(3);
  });

  it('stores a late older snapshot that arrives first, then lets the newer one win', async () => {
    const pending = sampleApproval();
    const rejected = { ...pending, status: 'rejected' as const, completedAt: minutesAfter(9) };
    expect(await record(rejected, 2)).toBe(true);
    expect(await record(pending, 1)).toBe(false);
    expect(await findApproval(database().db, pending.id)).toEqual(rejected);
  });

  it('lists by role: approver, requester or either', async () => {
    const { rita, abe, bea } = people();
    const mine = sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(1) });
    const theirs = sampleApproval({ requestedBy: abe, approvers: [rita, bea], createdAt: minutesAfter(2) });
    await record(mine, 1);
    await record(theirs, 1);
    expect(ids((await list({ email: rita, role: 'requester' })).items)).toEqual([mine.id]);
    expect(ids((await list({ email: rita, role: 'approver' })).items)).toEqual([theirs.id]);
    expect(ids((await list({ email: rita })).items)).toEqual([theirs.id, mine.id]);
    expect(ids((await list({ email: bea, role: 'requester' })).items)).toEqual([]);
    expect(await list({ email: bea })).toEqual({ items: [theirs], nextPageToken: null });
  });

  it('lists an approval once for someone who is both requester and approver', async () => {
    const { rita, abe } = people();
    const approval = sampleApproval({ requestedBy: rita, approvers: [rita, abe] });
    await record(approval, 1);
    expect(await participantsOf(approval.id)).toEqual([`approver:${abe}`, `approver:${rita}`, `requester:${rita}`]);
    expect(ids((await list({ email: rita })).items)).toEqual([approval.id]);
    expect(ids((await list({ email: rita, role: 'approver' })).items)).toEqual([approval.id]);
    expect(ids((await list({ email: rita, role: 'requester' })).items)).toEqual([approval.id]);
  });

  it('filters by status (the current one) and lists newest first', async () => {
    const { rita, abe } = people();
    const [a, b, c] = [3, 1, 2].map((minute) => sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(minute) }));
    for (const approval of [a!, b!, c!]) await record(approval, 1);
    await record({ ...b!, status: 'expired', completedAt: minutesAfter(50) }, 2);
    expect(ids((await list({ email: abe })).items)).toEqual([a!.id, c!.id, b!.id]);
    expect(ids((await list({ email: abe, status: 'pending' })).items)).toEqual([a!.id, c!.id]);
    expect(ids((await list({ email: rita, status: 'expired', role: 'requester' })).items)).toEqual([b!.id]);
    expect(ids((await list({ email: rita, status: 'approved' })).items)).toEqual([]);
  });

  it('pages 7 approvals 3 at a time: 3, 3, 1, without overlap, tokens until the last page', async () => {
    const { rita, abe } = people();
    const approvals = Array.from({ length: 7 }, (_, i) => sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(i) }));
    for (const approval of approvals) await record(approval, 1);
    const first = await list({ email: abe, pageSize: 3 });
    const second = await list({ email: abe, pageSize: 3, pageToken: first.nextPageToken ?? 'missing' });
    // An approval added meanwhile (newest) neither shifts nor repeats the next pages.
    await record(sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(59) }), 1);
    const third = await list({ email: abe, pageSize: 3, pageToken: second.nextPageToken ?? 'missing' });
    expect([first, second, third].map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(first.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(third.nextPageToken).toBeNull();
    const newestFirst = ids(approvals).reverse();
    expect([...first.items, ...second.items, ...third.items].map((item) => item.id)).toEqual(newestFirst);
    const exact = await list({ email: rita, role: 'requester', pageSize: 8 });
    expect([exact.items.length, exact.nextPageToken]).toEqual([8, null]);
  });

  it('breaks a created_at tie by id, descending, across pages', async () => {
    const { rita, abe } = people();
    const approvals = Array.from({ length: 5 }, () => sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(5) }));
    for (const approval of approvals) await record(approval, 1);
    const expected = ids(approvals).sort().reverse();
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await list({ email: rita, pageSize: 2, pageToken });
      seen.push(...ids(page.items));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
    expect(seen).toEqual(expected);
  });

  it('refuses a page token it did not issue with InvalidPageTokenError', async () => {
    const { rita, abe } = people();
    for (const minute of [1, 2]) await record(sampleApproval({ requestedBy: rita, approvers: [abe], createdAt: minutesAfter(minute) }), 1);
    const token = (await list({ email: rita, pageSize: 1 })).nextPageToken ?? '';
    expect((await list({ email: rita, pageSize: 1, pageToken: token })).items).toHaveLength(1);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      '',
      'not a token!',
      `${token}=`,
      token.slice(0, -2),
      Buffer.from('plain text').toString('base64url'),
      encode({ createdAt: minutesAfter(1), id: randomUUID() }),
      encode([minutesAfter(1), 'not-a-uuid']),
      encode(['2025-13-45T99:00:00.000Z', randomUUID()]),
      encode(["2025-06-01T10:00:00.000Z'; drop table approvals; --", randomUUID()]),
    ];
    for (const pageToken of bad) {
      await expect(list({ email: rita, pageToken }), pageToken).rejects.toBeInstanceOf(InvalidPageTokenError);
    }
    await expect(list({ email: rita, pageSize: 0 })).rejects.toBeInstanceOf(RangeError);
  });

  it('shows nothing to a non-participant and finds nothing under an unknown id', async () => {
    const { rita, abe, bea } = people();
    const approval = sampleApproval({ requestedBy: rita, approvers: [abe] });
    await record(approval, 1);
    expect(await list({ email: bea })).toEqual({ items: [], nextPageToken: null });
    expect(await list({ email: rita.toUpperCase() })).toEqual({ items: [], nextPageToken: null });
    expect(await findApproval(database().db, randomUUID())).toBeUndefined();
    expect(await findApproval(database().db, 'not-a-uuid')).toBeUndefined();
  });

  it('refuses a snapshot that can never be stored, storing nothing', async () => {
    const approval = sampleApproval();
    for (const [bad, version] of [[{ ...approval, createdAt: 'yesterday' }, 1], [{ ...approval, id: 'x' }, 1], [approval, 1.5], [approval, -1], [approval, 2 ** 31]] as const) {
      await expect(record(bad, version)).rejects.toBeInstanceOf(InvalidApprovalSnapshotError);
    }
    expect(await findApproval(database().db, approval.id)).toBeUndefined();
  });
});
