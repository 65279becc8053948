import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/shared/approval.js';
import { signInAs } from '../helpers/sessions.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

let stack: SignInStack;
let requester: string;
beforeAll(async () => {
  stack = await startSignInStack();
  requester = await signInAs(stack, 'rita@example.com');
});
afterAll(() => stack.stop());

const create = (payload: object, token = requester) =>
  stack.app.inject({ method: 'POST', url: '/approvals', payload, headers: { authorization: `Bearer ${token}` } });

describe('POST /approvals', () => {
  it('answers 401 without a session', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/approvals', payload: { title: 't', approvers: ['a@example.com'] } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it.each([
    ['an empty title', { title: '', approvers: ['a@example.com'] }, 'invalid_request'],
    ['a 201-character title', { title: 'x'.repeat(201), approvers: ['a@example.com'] }, 'invalid_request'],
    ['a 5001-character description', { title: 't', description: 'd'.repeat(5001), approvers: ['a@example.com'] }, 'invalid_request'],
    ['no approvers', { title: 't', approvers: [] }, 'invalid_request'],
    ['21 approvers', { title: 't', approvers: Array.from({ length: 21 }, (_, i) => `p${i}@example.com`) }, 'invalid_request'],
    ['duplicate approvers after normalising', { title: 't', approvers: ['a@example.com', ' A@Example.com'] }, 'invalid_request'],
    ['an unusable approver email', { title: 't', approvers: ['not-an-email'] }, 'invalid_email'],
    ['requiredApprovals 0', { title: 't', approvers: ['a@example.com'], requiredApprovals: 0 }, 'invalid_request'],
    ['requiredApprovals above the approvers', { title: 't', approvers: ['a@example.com'], requiredApprovals: 2 }, 'invalid_request'],
    ['a string timeout', { title: 't', approvers: ['a@example.com'], timeoutSeconds: '60' }, 'invalid_request'],
    ['an ftp callback', { title: 't', approvers: ['a@example.com'], callbackUrl: 'ftp://example.com/x' }, 'invalid_request'],
    ['a callback that is no URL', { title: 't', approvers: ['a@example.com'], callbackUrl: 'not a url' }, 'invalid_request'],
  ])('refuses %s with 400 %s', async (_name, payload, code) => {
    const res = await create(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code } });
  });

  it('creates a pending approval with the defaults, normalised approvers, and mails each approver', async () => {
    const before = Date.now();
    const res = await create({ title: 'Buy a laptop', description: 'For Ann', approvers: [' Ann@Example.com', 'bob@example.com'] });
    expect(res.statusCode).toBe(201);
    const approval = res.json<Approval>();
    expect(approval).toMatchObject({
      title: 'Buy a laptop',
      description: 'For Ann',
      requestedBy: 'rita@example.com',
      approvers: ['ann@example.com', 'bob@example.com'],
      requiredApprovals: 2,
      status: 'pending',
      decisions: [],
      completedAt: null,
    });
    expect(approval.id).toMatch(/^[0-9a-f-]{36}$/);
    const timeout = Date.parse(approval.deadline) - Date.parse(approval.createdAt);
    expect(timeout).toBe(604_800_000);
    expect(Date.parse(approval.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    for (const to of ['ann@example.com', 'bob@example.com']) {
      const mail = await stack.smtp.waitForMail((m) => m.to.includes(to) && m.text.includes(approval.id));
      expect(mail.text).toContain('Buy a laptop');
      expect(mail.text).toContain('rita@example.com');
    }
    // Read-your-writes: the creator's listing shows it at once.
    const list = await stack.app.inject({ method: 'GET', url: '/approvals', headers: { authorization: `Bearer ${requester}` } });
    expect(list.json<{ items: Approval[] }>().items.map((a) => a.id)).toContain(approval.id);
  });

  it('keeps requiredApprovals, timeoutSeconds and description null when not given', async () => {
    const res = await create({ title: 'Quick', approvers: ['a@example.com', 'b@example.com', 'c@example.com'], requiredApprovals: 2, timeoutSeconds: 60 });
    expect(res.statusCode).toBe(201);
    const approval = res.json<Approval>();
    expect(approval.requiredApprovals).toBe(2);
    expect(approval.description).toBeNull();
    expect(Date.parse(approval.deadline) - Date.parse(approval.createdAt)).toBe(60_000);
  });
});
