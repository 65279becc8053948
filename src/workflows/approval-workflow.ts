import { allHandlersFinished, condition, continueAsNew, setHandler, upsertMemo } from '@temporalio/workflow';
import {
  approvalQuery,
  cancelUpdate,
  decideUpdate,
  openedUpdate,
  type Approval,
  type ApprovalState,
  type ApprovalWorkflowInput,
  type CancelInput,
  type DecideInput,
} from '../shared/approval.js';
import { deliverWebhook, recordApproval, sendApprovalMail } from './approval-activities.js';
import {
  applyCancel,
  applyDecision,
  expireIfDue,
  nextReminderAt,
  pendingApprovers,
  refuseCancel,
  refuseDecision,
} from './approval-rules.js';
import { toApplicationFailure } from './failures.js';
import { shouldContinueAsNew } from './history.js';

/**
 * One approval, waiting for people for as long as it takes (days): mails
 * each approver at creation, reminds those who have not decided every
 * `reminderIntervalSeconds`, expires at the deadline, and ends `approved`,
 * `rejected`, `expired` or `cancelled` by the outcome rule
 * (`approval-rules.ts`). Decisions and cancel arrive as Workflow Updates whose
 * validators refuse at once (403/404/409) without touching history; the
 * `approval` Query returns the Approval. At the end it mails the requester and
 * POSTs the signed Approval to `callbackUrl`. A snapshot for listings is
 * written by an activity before each Update answers. Long waits continue as
 * new, carrying the state.
 *
 * @param input - the approval as created, reminder interval, callback URL, carried state
 * @returns the final Approval
 */
export async function approvalWorkflow(input: ApprovalWorkflowInput): Promise<Approval> {
  let state: ApprovalState = input.carried ?? {
    approval: input.approval,
    nextReminderAt: nextReminderAt(input.approval, Date.parse(input.approval.createdAt), input.reminderIntervalSeconds),
    remindersSent: 0,
    version: 1,
    webhook: null,
  };
  let changes = 0;
  const mails: Promise<void>[] = [];
  const change = (approval: Approval): Approval => {
    state = { ...state, approval, version: state.version + 1 };
    changes += 1;
    return approval;
  };
  const record = (): Promise<void> => recordApproval(state.approval, state.version);
  const mailAll = (kind: 'request' | 'reminder', to: readonly string[]): void => {
    for (const email of to) mails.push(sendApprovalMail(kind, email, state.approval));
  };

  /** Expires the approval if its deadline has passed (the timer may not have fired yet). */
  const expireNowIfDue = async (): Promise<void> => {
    const expired = expireIfDue(state.approval, Date.now());
    if (expired === state.approval) return;
    change(expired);
    await record();
  };

  const opened = input.carried === undefined ? record() : Promise.resolve();
  if (input.carried === undefined) mailAll('request', state.approval.approvers);

  setHandler(approvalQuery, () => state.approval);
  setHandler(openedUpdate, async () => {
    await opened;
    return state.approval;
  });

  setHandler(
    decideUpdate,
    async (request: DecideInput): Promise<Approval> => {
      await expireNowIfDue();
      const refusal = refuseDecision(state.approval, request.actor);
      if (refusal !== undefined) throw toApplicationFailure(refusal);
      const after = change(applyDecision(state.approval, request, Date.now()));
      await record();
      return after;
    },
    // Judged as of now: past the deadline the approval is expired even if its timer has not fired yet.
    { validator: (request: DecideInput) => throwIfRefused(refuseDecision(expireIfDue(state.approval, Date.now()), request.actor)) },
  );

  setHandler(
    cancelUpdate,
    async (request: CancelInput): Promise<Approval> => {
      await expireNowIfDue();
      const refusal = refuseCancel(state.approval, request);
      if (refusal !== undefined) throw toApplicationFailure(refusal);
      const after = change(applyCancel(state.approval, Date.now()));
      await record();
      return after;
    },
    { validator: (request: CancelInput) => throwIfRefused(refuseCancel(expireIfDue(state.approval, Date.now()), request)) },
  );

  await opened;
  while (state.approval.status === 'pending') {
    const now = Date.now();
    const expired = expireIfDue(state.approval, now);
    if (expired !== state.approval) {
      change(expired);
      await record();
      break;
    }
    if (state.nextReminderAt !== undefined && now >= state.nextReminderAt) {
      mailAll('reminder', pendingApprovers(state.approval));
      // One round now, however many were missed (a worker outage); the next on schedule.
      let next = nextReminderAt(state.approval, state.nextReminderAt, input.reminderIntervalSeconds);
      while (next !== undefined && next <= now) next = nextReminderAt(state.approval, next, input.reminderIntervalSeconds);
      state = { ...state, nextReminderAt: next, remindersSent: state.remindersSent + 1 };
      continue;
    }
    if (shouldContinueAsNew() && allHandlersFinished()) {
      await Promise.all(mails);
      await continueAsNew<typeof approvalWorkflow>({ ...input, carried: state });
    }
    const wakeAt = Math.min(Date.parse(state.approval.deadline), state.nextReminderAt ?? Number.POSITIVE_INFINITY);
    const seen = changes;
    await condition(() => changes !== seen || (shouldContinueAsNew() && allHandlersFinished()), Math.max(1, wakeAt - now));
  }

  await condition(allHandlersFinished);
  mails.push(sendApprovalMail('outcome', state.approval.requestedBy, state.approval));
  if (input.callbackUrl !== null) {
    const webhook = await deliverWebhook(input.callbackUrl, state.approval, () => Date.now());
    state = { ...state, webhook };
    // The delivery's result, in the history (WorkflowPropertiesModified) and the execution's memo.
    upsertMemo({ webhook });
  }
  await Promise.all(mails);
  return state.approval;
}

function throwIfRefused(refusal: ReturnType<typeof refuseDecision>): void {
  if (refusal !== undefined) throw toApplicationFailure(refusal);
}
