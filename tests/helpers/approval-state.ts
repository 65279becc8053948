import type { Approval, Decision, DecisionKind } from '../../src/shared/approval.js';

/** Builders for the pure approval rules' unit tests. Times are epoch milliseconds. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The contract's default `timeoutSeconds` (604800), in ms. */
export const WEEK = 7 * DAY;

/** A fixed creation time: 2025-01-01T12:00:00.000Z. */
export const T0 = Date.UTC(2025, 0, 1, 12);
/** The default deadline: one week after {@link T0}. */
export const DEADLINE = T0 + WEEK;

export const REQUESTER = 'requester@example.com';
export const ANN = 'ann@example.com';
export const BOB = 'bob@example.com';
export const CAT = 'cat@example.com';
export const DAN = 'dan@example.com';
export const OUTSIDER = 'outsider@example.com';
/** The approver pool, in order; builders take the first n. */
export const POOL: readonly string[] = [ANN, BOB, CAT, DAN];

/** The statuses an approval ends in. */
export const TERMINAL = ['approved', 'rejected', 'expired', 'cancelled'] as const;

/**
 * @param ms - epoch milliseconds
 * @returns the ISO-8601 string the API shows
 */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A pending 3-of-3 approval by {@link REQUESTER} for ANN, BOB and CAT, created at
 * {@link T0} with the default one-week deadline and no decisions.
 *
 * @param overrides - fields to change
 * @returns the approval
 */
export function approvalOf(overrides: Partial<Approval> = {}): Approval {
  return {
    id: '5b0c2a52-6d2e-4a8e-9a51-3f1f0e0c7d11',
    title: 'Buy a coffee machine',
    description: null,
    requestedBy: REQUESTER,
    approvers: [ANN, BOB, CAT],
    requiredApprovals: 3,
    status: 'pending',
    decisions: [],
    createdAt: iso(T0),
    deadline: iso(DEADLINE),
    completedAt: null,
    ...overrides,
  };
}

/**
 * One decision, made an hour after {@link T0} unless told otherwise.
 *
 * @param approver - who decided
 * @param decision - what
 * @param at - when
 * @param comment - the comment, null for none
 * @returns the decision
 */
export function decisionOf(approver: string, decision: DecisionKind, at = T0 + HOUR, comment: string | null = null): Decision {
  return { approver, decision, comment, decidedAt: iso(at) };
}

/**
 * A pending `required`-of-`n` approval whose first approvers decided `kinds`, in order.
 *
 * @param n - how many approvers (taken from {@link POOL})
 * @param required - `requiredApprovals`
 * @param kinds - the decisions of approver 1, 2, ...
 * @returns the approval
 */
export function withDecisions(n: number, required: number, kinds: readonly DecisionKind[]): Approval {
  const approvers = POOL.slice(0, n);
  const decisions = kinds.map((kind, i) => decisionOf(approvers[i] ?? `extra-${i}@example.com`, kind, T0 + (i + 1) * MINUTE));
  return approvalOf({ approvers, requiredApprovals: required, decisions });
}

/**
 * Every ordering of `items`.
 *
 * @param items - the items (few: n! results)
 * @returns the permutations
 */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
