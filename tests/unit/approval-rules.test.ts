import { describe, expect, it } from 'vitest';
import type { Approval, ApprovalStatus, DecisionKind } from '../../src/shared/approval.js';
import { expireIfDue, isParticipant, nextReminderAt, outcomeOf, pendingApprovers } from '../../src/workflows/approval-rules.js';
import {
  ANN,
  BOB,
  CAT,
  DAN,
  DAY,
  DEADLINE,
  HOUR,
  OUTSIDER,
  REQUESTER,
  SECOND,
  T0,
  TERMINAL,
  WEEK,
  approvalOf,
  decisionOf,
  iso,
  permutations,
  withDecisions,
} from '../helpers/approval-state.js';

const A = 'approve' as const;
const R = 'reject' as const;

describe('outcomeOf', () => {
  it.each<[string, number, number, DecisionKind[], ApprovalStatus]>([
    ['1-of-1, nothing yet', 1, 1, [], 'pending'],
    ['1-of-1, approve', 1, 1, [A], 'approved'],
    ['1-of-1, reject', 1, 1, [R], 'rejected'],
    ['2-of-3, nothing yet', 3, 2, [], 'pending'],
    ['2-of-3, approve alone', 3, 2, [A], 'pending'],
    ['2-of-3, reject alone', 3, 2, [R], 'pending'],
    ['2-of-3, approve + approve', 3, 2, [A, A], 'approved'],
    ['2-of-3, reject + reject', 3, 2, [R, R], 'rejected'],
    ['2-of-3, approve + reject', 3, 2, [A, R], 'pending'],
    ['2-of-3, reject + approve', 3, 2, [R, A], 'pending'],
    ['2-of-3, approve + reject + approve', 3, 2, [A, R, A], 'approved'],
    ['2-of-3, reject + approve + reject', 3, 2, [R, A, R], 'rejected'],
    ['4-of-4, first decision a reject (early rejection)', 4, 4, [R], 'rejected'],
    ['4-of-4, reject after two approvals', 4, 4, [A, A, R], 'rejected'],
    ['4-of-4, three approvals', 4, 4, [A, A, A], 'pending'],
    ['4-of-4, three approvals then a reject', 4, 4, [A, A, A, R], 'rejected'],
    ['4-of-4, four approvals', 4, 4, [A, A, A, A], 'approved'],
    ['3-of-4, one reject', 4, 3, [R], 'pending'],
    ['3-of-4, two rejects', 4, 3, [A, R, R], 'rejected'],
    ['1-of-3, one reject', 3, 1, [R], 'pending'],
    ['1-of-3, two rejects', 3, 1, [R, R], 'pending'],
    ['1-of-3, three rejects', 3, 1, [R, R, R], 'rejected'],
    ['1-of-3, approve', 3, 1, [A], 'approved'],
    ['1-of-3, two rejects then approve', 3, 1, [R, R, A], 'approved'],
  ])('%s -> %s', (_label, n, required, kinds, expected) => {
    expect(outcomeOf(withDecisions(n, required, kinds))).toBe(expected);
  });

  it.each<[string, number, number, DecisionKind[], ApprovalStatus]>([
    ['2-of-3 with approve, reject, approve', 3, 2, [A, R, A], 'approved'],
    ['2-of-3 with reject, approve, reject', 3, 2, [R, A, R], 'rejected'],
    ['2-of-3 with approve, reject', 3, 2, [A, R], 'pending'],
    ['3-of-4 with approve, reject, approve, reject', 4, 3, [A, R, A, R], 'rejected'],
    ['4-of-4 with approve, approve, approve, reject', 4, 4, [A, A, A, R], 'rejected'],
  ])('%s gives %s in every order', (_label, n, required, kinds, expected) => {
    const base = withDecisions(n, required, kinds);
    const orders = permutations(base.decisions);
    expect(orders.length).toBeGreaterThan(1);
    for (const decisions of orders) expect(outcomeOf({ ...base, decisions })).toBe(expected);
  });

  it('ignores the stored status (deadline and cancel are not its business)', () => {
    const cancelled: Approval = { ...withDecisions(3, 2, [A, A]), status: 'cancelled' };
    const expired: Approval = { ...withDecisions(3, 2, [A]), status: 'expired' };
    expect(outcomeOf(cancelled)).toBe('approved');
    expect(outcomeOf(expired)).toBe('pending');
  });
});

describe('isParticipant', () => {
  const approval = approvalOf();

  it.each([
    ['the requester', REQUESTER, true],
    ['the first approver', ANN, true],
    ['the second approver', BOB, true],
    ['the last approver', CAT, true],
    ['an outsider', OUTSIDER, false],
    ['an approver of another approval', DAN, false],
    ['the empty string', '', false],
  ])('%s (%s): %s', (_label, email, expected) => {
    expect(isParticipant(approval, email)).toBe(expected);
  });

  it('counts a requester who is also an approver', () => {
    expect(isParticipant(approvalOf({ requestedBy: ANN }), ANN)).toBe(true);
  });
});

describe('pendingApprovers', () => {
  it.each([
    ['nobody decided', [], [ANN, BOB, CAT]],
    ['the middle one decided', [decisionOf(BOB, 'approve')], [ANN, CAT]],
    ['the last then the first decided', [decisionOf(CAT, 'reject'), decisionOf(ANN, 'approve')], [BOB]],
    ['everyone decided', [decisionOf(BOB, 'reject'), decisionOf(CAT, 'approve'), decisionOf(ANN, 'approve')], []],
  ])('when %s: %j', (_label, decisions, expected) => {
    expect(pendingApprovers(approvalOf({ decisions }))).toEqual(expected);
  });

  it('never lists the requester unless they are an approver', () => {
    expect(pendingApprovers(approvalOf())).not.toContain(REQUESTER);
    expect(pendingApprovers(approvalOf({ requestedBy: BOB }))).toEqual([ANN, BOB, CAT]);
  });
});

describe('expireIfDue', () => {
  it('leaves a pending approval alone 1 ms before its deadline', () => {
    const approval = approvalOf();
    expect(expireIfDue(approval, DEADLINE - 1)).toBe(approval);
  });

  it.each([
    ['at', DEADLINE],
    ['1 ms after', DEADLINE + 1],
    ['an hour after', DEADLINE + HOUR],
  ])('expires a pending approval %s its deadline, completedAt = now', (_label, now) => {
    const approval = approvalOf({ decisions: [decisionOf(ANN, 'approve')] });
    expect(expireIfDue(approval, now)).toEqual({ ...approval, status: 'expired', completedAt: iso(now) });
    expect(approval.status).toBe('pending');
  });

  it.each(TERMINAL)('leaves a %s approval untouched, even long after the deadline', (status) => {
    const approval = approvalOf({ status, completedAt: iso(T0 + DAY) });
    expect(expireIfDue(approval, DEADLINE + WEEK)).toBe(approval);
  });
});

describe('nextReminderAt', () => {
  const approval = approvalOf();
  const daily = DAY / SECOND;

  it.each([
    ['from creation', T0, daily, T0 + DAY],
    ['from the fifth round', T0 + 5 * DAY, daily, T0 + 6 * DAY],
    ['landing 1 ms before the deadline', DEADLINE - SECOND - 1, 1, DEADLINE - 1],
    ['landing exactly on the deadline', T0 + 6 * DAY, daily, undefined],
    ['landing after the deadline', T0 + 6 * DAY + 1, daily, undefined],
    ['with an interval longer than the timeout', T0, 8 * daily, undefined],
    ['from a time already past the deadline', DEADLINE + HOUR, daily, undefined],
  ])('%s', (_label, from, intervalSeconds, expected) => {
    expect(nextReminderAt(approval, from, intervalSeconds)).toBe(expected);
  });

  it.each(TERMINAL)('gives none once %s, even well inside the deadline', (status) => {
    expect(nextReminderAt(approvalOf({ status, completedAt: iso(T0 + 1) }), T0, 60)).toBeUndefined();
  });

  it.each([
    [DAY, [1, 2, 3, 4, 5, 6]],
    [2 * DAY, [2, 4, 6]],
    [3 * DAY, [3, 6]],
    [5 * DAY, [5]],
    [WEEK, []],
  ])('over a week with an interval of %i ms sends rounds on days %j', (interval, days) => {
    const rounds: number[] = [];
    let from = T0;
    for (let next = nextReminderAt(approval, from, interval / SECOND); next !== undefined && rounds.length < 100; ) {
      rounds.push(next);
      from = next;
      next = nextReminderAt(approval, from, interval / SECOND);
    }
    expect(rounds).toEqual(days.map((d) => T0 + d * DAY));
  });
});
