import { describe, expect, it } from 'vitest';
import type { Approval, ApprovalStatus, DecisionKind } from '../../src/shared/approval.js';
import type { ErrorCode } from '../../src/shared/error-codes.js';
import {
  applyCancel,
  applyDecision,
  expireIfDue,
  nextReminderAt,
  refuseCancel,
  refuseDecision,
} from '../../src/workflows/approval-rules.js';
import { ANN, BOB, CAT, DEADLINE, HOUR, OUTSIDER, REQUESTER, T0, TERMINAL, approvalOf, decisionOf, iso, withDecisions } from '../helpers/approval-state.js';

const NOW = T0 + 2 * HOUR;
const ended = (status: ApprovalStatus, overrides: Partial<Approval> = {}): Approval =>
  approvalOf({ status, completedAt: iso(T0 + HOUR), ...overrides });

/**
 * Asks refuseDecision, then applies the decision when allowed, like the workflow does.
 *
 * @param approval - the approval
 * @param actor - who decides
 * @param decision - what
 * @returns the refusal code or the approval after the decision
 */
function decide(approval: Approval, actor: string, decision: DecisionKind): ErrorCode | Approval {
  const refusal = refuseDecision(approval, actor);
  return refusal ? refusal.code : applyDecision(approval, { actor, decision, comment: null }, NOW);
}

describe('refuseDecision', () => {
  const decided = approvalOf({ decisions: [decisionOf(ANN, 'approve')] });
  const selfApproved = approvalOf({ requestedBy: BOB, decisions: [decisionOf(BOB, 'reject')] });

  it.each<[string, Approval, string, ErrorCode | undefined]>([
    ['an outsider on a pending approval', approvalOf(), OUTSIDER, 'not_found'],
    ['an outsider on an approved approval', ended('approved'), OUTSIDER, 'not_found'],
    ['the requester who is not an approver', approvalOf(), REQUESTER, 'not_an_approver'],
    ['the requester who is not an approver, after the end', ended('rejected'), REQUESTER, 'not_an_approver'],
    ['an approver who has not decided', decided, BOB, undefined],
    ['an approver who already decided', decided, ANN, 'already_decided'],
    ['a requester who is also an approver', approvalOf({ requestedBy: BOB }), BOB, undefined],
    ['a requester-approver who already decided', selfApproved, BOB, 'already_decided'],
  ])('%s -> %s', (_label, approval, actor, code) => {
    const refusal = refuseDecision(approval, actor);
    expect(refusal?.code).toBe(code);
    if (refusal) expect(refusal.message).toEqual(expect.any(String));
  });

  it.each(TERMINAL)('says already_decided (not not_pending) to an approver who decided, once %s', (status) => {
    expect(refuseDecision(ended(status, { decisions: [decisionOf(ANN, 'reject')] }), ANN)?.code).toBe('already_decided');
  });

  it.each(TERMINAL)('says not_pending to an approver who did not decide, once %s', (status) => {
    expect(refuseDecision(ended(status, { decisions: [decisionOf(ANN, 'reject')] }), BOB)?.code).toBe('not_pending');
  });
});

describe('applyDecision', () => {
  it.each([
    ['without a comment', null],
    ['with a comment', 'Fine by me'],
    ['with an empty comment', ''],
  ])('appends the decision %s, stamped with now, and changes nothing else', (_label, comment) => {
    const before = approvalOf({ decisions: [decisionOf(CAT, 'approve')] });
    const after = applyDecision(before, { actor: ANN, decision: 'approve', comment }, NOW);
    expect(after).toEqual({
      ...before,
      decisions: [decisionOf(CAT, 'approve'), { approver: ANN, decision: 'approve', comment, decidedAt: iso(NOW) }],
    });
    expect(after.decisions[1]?.decidedAt).toBe('2025-01-01T14:00:00.000Z');
    expect(before.decisions).toHaveLength(1);
  });

  it.each<[string, number, number, DecisionKind[], DecisionKind, ApprovalStatus]>([
    ['1-of-1 approve', 1, 1, [], 'approve', 'approved'],
    ['1-of-1 reject', 1, 1, [], 'reject', 'rejected'],
    ['2-of-3 first approve', 3, 2, [], 'approve', 'pending'],
    ['2-of-3 second approve', 3, 2, ['approve'], 'approve', 'approved'],
    ['2-of-3 reject after approve', 3, 2, ['approve'], 'reject', 'pending'],
    ['2-of-3 second reject', 3, 2, ['reject'], 'reject', 'rejected'],
    ['3-of-3 first reject', 3, 3, [], 'reject', 'rejected'],
    ['1-of-3 third reject', 3, 1, ['reject', 'reject'], 'reject', 'rejected'],
  ])('%s -> %s, completedAt null only while pending', (_label, n, required, prior, decision, status) => {
    const before = withDecisions(n, required, prior);
    const actor = before.approvers[prior.length] ?? '';
    const after = applyDecision(before, { actor, decision, comment: null }, NOW);
    expect(after.status).toBe(status);
    expect(after.completedAt).toBe(status === 'pending' ? null : iso(NOW));
    expect(after.decisions).toHaveLength(prior.length + 1);
  });

  it('ends a 2-of-3 approval at the second approval and refuses the third approver', () => {
    const first = decide(approvalOf({ requiredApprovals: 2 }), ANN, 'approve');
    if (typeof first === 'string') throw new Error(first);
    const second = decide(first, CAT, 'approve');
    if (typeof second === 'string') throw new Error(second);
    expect(second).toMatchObject({ status: 'approved', completedAt: iso(NOW) });
    expect(decide(second, BOB, 'reject')).toBe('not_pending');
    expect(decide(second, ANN, 'reject')).toBe('already_decided');
    expect(second.decisions.map((d) => d.approver)).toEqual([ANN, CAT]);
  });

  it('ends an all-of-3 approval at the first reject and refuses the others', () => {
    const rejected = decide(approvalOf(), BOB, 'reject');
    if (typeof rejected === 'string') throw new Error(rejected);
    expect(rejected).toMatchObject({ status: 'rejected', completedAt: iso(NOW) });
    expect(decide(rejected, ANN, 'approve')).toBe('not_pending');
    expect(decide(rejected, CAT, 'approve')).toBe('not_pending');
  });
});

describe('refuseCancel', () => {
  it.each<[string, Approval, string, ErrorCode | undefined]>([
    ['the requester, while pending', approvalOf(), REQUESTER, undefined],
    ['the requester, after some decisions', approvalOf({ decisions: [decisionOf(ANN, 'approve')] }), REQUESTER, undefined],
    ['a requester who is also an approver', approvalOf({ requestedBy: CAT }), CAT, undefined],
    ['an approver', approvalOf(), ANN, 'forbidden'],
    ['an approver, after the end', ended('approved'), BOB, 'forbidden'],
    ['an outsider', approvalOf(), OUTSIDER, 'not_found'],
    ['an outsider, after the end', ended('cancelled'), OUTSIDER, 'not_found'],
  ])('%s -> %s', (_label, approval, actor, code) => {
    expect(refuseCancel(approval, { actor })?.code).toBe(code);
  });

  it.each(TERMINAL)('says not_pending to the requester once %s', (status) => {
    expect(refuseCancel(ended(status), { actor: REQUESTER })?.code).toBe('not_pending');
  });

  it.each(TERMINAL)('says not_pending to a requester-approver once %s', (status) => {
    expect(refuseCancel(ended(status, { requestedBy: ANN }), { actor: ANN })?.code).toBe('not_pending');
  });
});

describe('applyCancel', () => {
  it('sets status cancelled and completedAt, keeping the decisions', () => {
    const before = approvalOf({ decisions: [decisionOf(ANN, 'approve')] });
    expect(applyCancel(before, NOW)).toEqual({ ...before, status: 'cancelled', completedAt: iso(NOW) });
    expect(before).toMatchObject({ status: 'pending', completedAt: null });
  });

  it('lets a requester who is also an approver cancel', () => {
    const before = approvalOf({ requestedBy: ANN });
    expect(refuseCancel(before, { actor: ANN })).toBeUndefined();
    expect(applyCancel(before, NOW).status).toBe('cancelled');
  });

  it('ends everything: no decisions, no second cancel, no expiry, no reminders', () => {
    const cancelled = applyCancel(approvalOf(), NOW);
    expect(decide(cancelled, ANN, 'approve')).toBe('not_pending');
    expect(refuseCancel(cancelled, { actor: REQUESTER })?.code).toBe('not_pending');
    expect(expireIfDue(cancelled, DEADLINE + 1)).toBe(cancelled);
    expect(nextReminderAt(cancelled, NOW, 60)).toBeUndefined();
  });
});
