import type { Approval, ApprovalStatus, CancelInput, DecideInput } from '../shared/approval.js';
import type { Refusal } from './refusal.js';

/**
 * The decisions of `approvalWorkflow` as pure functions of (approval, time,
 * input): no Temporal API, no I/O. Times are epoch milliseconds; the Approval
 * keeps ISO-8601 strings because that is what the API returns.
 */

const NOT_FOUND: Refusal = { code: 'not_found', message: 'Approval not found' };

/**
 * Tells whether someone takes part in an approval (as requester or approver).
 *
 * @param approval - the approval
 * @param email - a normalised email
 * @returns true for the requester and every approver
 */
export function isParticipant(approval: Approval, email: string): boolean {
  return approval.requestedBy === email || approval.approvers.includes(email);
}

/**
 * The outcome rule: `approved` once `requiredApprovals` approvals are in;
 * `rejected` as soon as so many rejections are in that the required count can
 * no longer be reached; otherwise still `pending`.
 *
 * @param approval - the approval with its decisions
 * @returns the status the decisions lead to (ignores deadline and cancel)
 */
export function outcomeOf(approval: Pick<Approval, 'approvers' | 'requiredApprovals' | 'decisions'>): ApprovalStatus {
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
  const rejections = approval.decisions.filter((d) => d.decision === 'reject').length;
  if (approvals >= approval.requiredApprovals) return 'approved';
  if (approval.approvers.length - rejections < approval.requiredApprovals) return 'rejected';
  return 'pending';
}

/**
 * Decides whether `actor` may record a decision now. Non-participants learn
 * nothing (`not_found`); a requester who is not an approver gets
 * `not_an_approver`; then `already_decided`, then `not_pending`.
 *
 * @param approval - the approval
 * @param actor - the caller's normalised email
 * @returns the refusal, or undefined to go ahead
 */
export function refuseDecision(approval: Approval, actor: string): Refusal | undefined {
  if (!approval.approvers.includes(actor)) {
    return approval.requestedBy === actor
      ? { code: 'not_an_approver', message: 'Only approvers can decide; you requested this approval' }
      : NOT_FOUND;
  }
  if (approval.decisions.some((d) => d.approver === actor)) return { code: 'already_decided', message: 'You already decided' };
  if (approval.status !== 'pending') return { code: 'not_pending', message: `The approval is ${approval.status}` };
  return undefined;
}

/**
 * Records a decision and applies the outcome rule. Call only after
 * {@link refuseDecision} returned undefined.
 *
 * @param approval - the approval
 * @param input - who decided what, with an optional comment
 * @param now - the current time
 * @returns the approval after the decision
 */
export function applyDecision(approval: Approval, input: DecideInput, now: number): Approval {
  const decisions = [
    ...approval.decisions,
    { approver: input.actor, decision: input.decision, comment: input.comment, decidedAt: new Date(now).toISOString() },
  ];
  return complete({ ...approval, decisions }, outcomeOf({ ...approval, decisions }), now);
}

/**
 * Decides whether `input.actor` may cancel: only the requester (approvers get
 * `forbidden`, others `not_found`), only while pending.
 *
 * @param approval - the approval
 * @param input - the caller
 * @returns the refusal, or undefined to go ahead
 */
export function refuseCancel(approval: Approval, input: CancelInput): Refusal | undefined {
  if (approval.requestedBy !== input.actor) {
    return approval.approvers.includes(input.actor) ? { code: 'forbidden', message: 'Only the requester can cancel' } : NOT_FOUND;
  }
  if (approval.status !== 'pending') return { code: 'not_pending', message: `The approval is ${approval.status}` };
  return undefined;
}

/**
 * Cancels a pending approval.
 *
 * @param approval - the approval
 * @param now - the current time
 * @returns the cancelled approval
 */
export function applyCancel(approval: Approval, now: number): Approval {
  return complete(approval, 'cancelled', now);
}

/**
 * Expires a pending approval whose deadline has passed.
 *
 * @param approval - the approval
 * @param now - the current time
 * @returns the approval, expired when due
 */
export function expireIfDue(approval: Approval, now: number): Approval {
  if (approval.status !== 'pending' || now < Date.parse(approval.deadline)) return approval;
  return complete(approval, 'expired', now);
}

function complete(approval: Approval, status: ApprovalStatus, now: number): Approval {
  if (status === 'pending') return { ...approval, status };
  return { ...approval, status, completedAt: new Date(now).toISOString() };
}

/**
 * Approvers who have not decided yet (they get reminders).
 *
 * @param approval - the approval
 * @returns their emails, in the approvers' order
 */
export function pendingApprovers(approval: Approval): string[] {
  const decided = new Set(approval.decisions.map((d) => d.approver));
  return approval.approvers.filter((email) => !decided.has(email));
}

/**
 * When the next reminder round is due: one interval after `from`, but only
 * while the approval is pending and before its deadline.
 *
 * @param approval - the approval
 * @param from - the time of the previous round (or creation), epoch ms
 * @param intervalSeconds - `reminderIntervalSeconds`
 * @returns the time of the next round, or undefined when there is none
 */
export function nextReminderAt(approval: Approval, from: number, intervalSeconds: number): number | undefined {
  if (approval.status !== 'pending') return undefined;
  const at = from + intervalSeconds * 1000;
  return at < Date.parse(approval.deadline) ? at : undefined;
}
