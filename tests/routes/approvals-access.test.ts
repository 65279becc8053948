import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/shared/approval.js';
import { signInAs } from '../helpers/sessions.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

let stack: SignInStack;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  stack = await startSignInStack();
  for (const name of ['req', 'ann', 'bob', 'eve']) tokens[name] = await signInAs(stack, `${name}@example.com`);
});
afterAll(() => stack.stop());

const as = (name: string) => ({ authorization: `Bearer ${tokens[name] ?? ''}` });
const create = async (payload: object = {}): Promise<Approval> => {
  const res = await stack.app.inject({ method: 'POST', url: '/approvals', headers: as('req'), payload: { title: 'Trip', approvers: ['ann@example.com', 'bob@example.com'], ...payload } });
  expect(res.statusCode).toBe(201);
  return res.json<Approval>();
};
const get = (name: string, id: string) => stack.app.inject({ method: 'GET', url: `/approvals/${id}`, headers: as(name) });
const decide = (name: string, id: string, decision: string, comment?: string) =>
  stack.app.inject({ method: 'POST', url: `/approvals/${id}/decision`, headers: as(name), payload: { decision, ...(comment === undefined ? {} : { comment }) } });
const cancel = (name: string, id: string) => stack.app.inject({ method: 'POST', url: `/approvals/${id}/cancel`, headers: as(name) });
const codeOf = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

describe('approval authorisation and decisions', () => {
  it('shows an approval to its requester and approvers only; 404 for anyone else and for unknown or odd ids', async () => {
    const approval = await create();
    for (const name of ['req', 'ann', 'bob']) expect((await get(name, approval.id)).json()).toEqual(approval);
    for (const [name, id] of [['eve', approval.id], ['req', '00000000-0000-4000-8000-000000000000'], ['req', 'not-a-uuid'], ['req', '%00']] as const) {
      const res = await get(name, id);
      expect(res.statusCode).toBe(404);
      expect(codeOf(res)).toBe('not_found');
    }
  });

  it('answers every decision status: 404, 403 not_an_approver, 200, 409 already_decided, 409 not_pending', async () => {
    const approval = await create({ requiredApprovals: 1 });
    expect(codeOf(await decide('eve', approval.id, 'approve'))).toBe('not_found');
    const own = await decide('req', approval.id, 'approve');
    expect([own.statusCode, codeOf(own)]).toEqual([403, 'not_an_approver']);
    const first = await decide('ann', approval.id, 'approve', 'looks good');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'approved', decisions: [{ approver: 'ann@example.com', decision: 'approve', comment: 'looks good' }] });
    expect(first.json<Approval>().completedAt).not.toBeNull();
    const again = await decide('ann', approval.id, 'reject');
    expect([again.statusCode, codeOf(again)]).toEqual([409, 'already_decided']);
    const late = await decide('bob', approval.id, 'reject');
    expect([late.statusCode, codeOf(late)]).toEqual([409, 'not_pending']);
    expect(codeOf(await decide('eve', approval.id, 'approve'))).toBe('not_found');
    expect((await decide('ann', approval.id, 'maybe')).statusCode).toBe(400);
    expect((await decide('ann', approval.id, 'approve', 'c'.repeat(2001))).statusCode).toBe(400);
  });

  it('rejects as soon as the required count is out of reach', async () => {
    const approval = await create();
    const res = await decide('bob', approval.id, 'reject', 'no budget');
    expect(res.json()).toMatchObject({ status: 'rejected', decisions: [{ approver: 'bob@example.com', comment: 'no budget' }] });
    const outcome = await stack.smtp.waitForMail((m) => m.to.includes('req@example.com') && m.text.includes(approval.id) && /rejected/i.test(m.subject));
    expect(outcome.text).toContain('no budget');
  });

  it('lets only the requester cancel: 403 forbidden, 404, 200 cancelled, then 409 not_pending everywhere', async () => {
    const approval = await create();
    expect([(await cancel('ann', approval.id)).statusCode, codeOf(await cancel('ann', approval.id))]).toEqual([403, 'forbidden']);
    expect(codeOf(await cancel('eve', approval.id))).toBe('not_found');
    const done = await cancel('req', approval.id);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'cancelled' });
    expect(codeOf(await cancel('req', approval.id))).toBe('not_pending');
    expect(codeOf(await decide('ann', approval.id, 'approve'))).toBe('not_pending');
    expect(codeOf(await cancel('eve', approval.id))).toBe('not_found');
    expect((await get('ann', approval.id)).json()).toMatchObject({ status: 'cancelled' });
  });
});

describe('GET /approvals', () => {
  it('lists only what the caller takes part in, newest first, by role and status, page by page', async () => {
    const created: Approval[] = [];
    for (let i = 0; i < 3; i += 1) created.push(await create({ title: `List ${i}` }));
    await cancel('req', created[0]?.id ?? '');
    const list = async (name: string, query = '') => {
      const res = await stack.app.inject({ method: 'GET', url: `/approvals${query}`, headers: as(name) });
      expect(res.statusCode).toBe(200);
      return res.json<{ items: Approval[]; nextPageToken: string | null }>();
    };
    const mine = await list('req', '?role=requester');
    const ids = mine.items.map((a) => a.id);
    expect(ids.slice(0, 3)).toEqual(created.map((a) => a.id).reverse());
    expect((await list('eve')).items).toEqual([]);
    expect((await list('ann', '?role=requester')).items).toEqual([]);
    expect((await list('ann', '?role=approver&status=cancelled')).items.map((a) => a.id)).toContain(created[0]?.id);
    expect((await list('ann', '?status=cancelled')).items.every((a) => a.status === 'cancelled')).toBe(true);
    const page1 = await list('req', '?role=requester&pageSize=2');
    expect(page1.items).toHaveLength(2);
    expect(page1.nextPageToken).not.toBeNull();
    const page2 = await list('req', `?role=requester&pageSize=2&pageToken=${encodeURIComponent(page1.nextPageToken ?? '')}`);
    expect(page2.items[0]?.id).not.toBe(page1.items[1]?.id);
    expect(Date.parse(page2.items[0]?.createdAt ?? '')).toBeLessThanOrEqual(Date.parse(page1.items[1]?.createdAt ?? ''));
    for (const query of ['?pageSize=0', '?pageSize=101', '?role=boss', '?status=done', '?pageToken=garbage']) {
      const res = await stack.app.inject({ method: 'GET', url: `/approvals${query}`, headers: as('req') });
      expect([query, res.statusCode, codeOf(res)]).toEqual([query, 400, 'invalid_request']);
    }
  });
});
