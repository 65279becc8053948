import { randomUUID } from 'node:crypto';
import type { Approval, Decision } from '../../src/shared/approval.js';

/**
 * A pending Approval with two approvers (both needed), for activity and mail
 * tests; `overrides` replace any field.
 *
 * @param overrides - fields to replace
 * @returns the approval
 */
export function sampleApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: randomUUID(),
    title: 'Deploy release 1.2 to production',
    description: 'Rolls out the new billing code.\nDowntime: none expected.',
    requestedBy: 'rita@example.com',
    approvers: ['abe@example.com', 'bea@example.com'],
    requiredApprovals: 2,
    status: 'pending',
    decisions: [],
    createdAt: '2025-06-01T10:00:00.000Z',
    deadline: '2025-06-08T10:00:00.000Z',
    completedAt: null,
    ...overrides,
  };
}

/**
 * A decision for {@link sampleApproval}.
 *
 * @param approver - who decided
 * @param decision - approve or reject
 * @param comment - the comment, or null
 * @returns the decision
 */
export function sampleDecision(approver: string, decision: Decision['decision'], comment: string | null = null): Decision {
  return { approver, decision, comment, decidedAt: '2025-06-02T09:30:00.000Z' };
}
