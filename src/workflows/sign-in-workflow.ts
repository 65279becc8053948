import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  requestCodeUpdate,
  signInStateQuery,
  verifyCodeUpdate,
  type RequestCodeInput,
  type RequestCodeResult,
  type SignInState,
  type SignInWorkflowInput,
  type VerifyCodeInput,
  type VerifyCodeResult,
} from '../shared/sign-in.js';
import { toApplicationFailure, unavailableFailure } from './failures.js';
import { shouldContinueAsNew } from './history.js';
import { sendCodeMail, startSession, turnstileCheck } from './sign-in-activities.js';
import {
  checkCode,
  expireCode,
  initialState,
  issueCode,
  refuseCodeRequest,
  refuseVerification,
  settleVerification,
} from './sign-in-rules.js';
import { constantTimeEqual, nextWakeUp } from './sign-in-schedule.js';

/**
 * One execution per email (id: a keyed hash of it). It issues sign-in codes,
 * holds the live one, expires it with a durable timer, counts wrong attempts,
 * enforces the resend cooldown and the 24-hour failure allowance, and answers
 * `requestCode` / `verifyCode` synchronously through Workflow Updates whose
 * validators refuse without touching history. Updates run one at a time up to
 * their first `await`, and a right code leaves `live` before any await, so a
 * code succeeds at most once however many verifies arrive together.
 *
 * The decisions are pure functions (`sign-in-rules.ts`); this function only
 * wires them to handlers, activities and timers. Its state survives worker and
 * server crashes (it is the event history) and continue-as-new.
 *
 * @param input - the normalised email and, after continue-as-new, the carried state
 */
export async function signInWorkflow(input: SignInWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  let state: SignInState = input.carried ?? initialState(Date.now());
  let changes = 0;
  let mailsInFlight = 0;
  const update = (next: SignInState): void => {
    state = next;
    changes += 1;
  };

  setHandler(signInStateQuery, () => state);

  setHandler(
    requestCodeUpdate,
    async (request: RequestCodeInput): Promise<RequestCodeResult> => {
      if (request.turnstile !== undefined) await turnstileCheck(request.turnstile, request.challengeId);
      // Re-check: another request may have issued a code while the check ran.
      const refusal = refuseCodeRequest(state, Date.now());
      if (refusal !== undefined) throw toApplicationFailure(refusal);
      const issued = issueCode(state, Date.now(), request);
      update(issued.state);
      mailsInFlight += 1;
      const mail = { email: input.email, workflowId, challengeId: request.challengeId, ttlSeconds: request.policy.ttlSeconds };
      void sendCodeMail(mail, issued.state.challenge?.expiresAt ?? Date.now()).finally(() => {
        mailsInFlight -= 1;
        changes += 1;
      });
      return issued.result;
    },
    {
      validator: (request: RequestCodeInput): void => {
        const refusal = refuseCodeRequest(state, Date.now());
        if (refusal !== undefined) throw toApplicationFailure(refusal);
        if (request.policy.ttlSeconds < 1 || request.policy.maxAttempts < 1) throw toApplicationFailure({ code: 'invalid_request', message: 'Invalid code policy' });
      },
    },
  );

  setHandler(
    verifyCodeUpdate,
    async (request: VerifyCodeInput): Promise<VerifyCodeResult> => {
      // A concurrent verify of the same code is creating its session: wait for its outcome.
      // Loop, because another waiter may start verifying again before this one resumes;
      // from here to checkCode nothing awaits, so no other handler runs in between.
      while (state.challenge?.status === 'verifying') await condition(() => state.challenge?.status !== 'verifying');
      update(expireCode(state, Date.now()));
      const refusal = refuseVerification(state, Date.now());
      if (refusal !== undefined) throw toApplicationFailure(refusal);
      const checked = checkCode(state, Date.now(), request.codeMac, constantTimeEqual);
      update(checked.state);
      if (checked.outcome.kind === 'rejected') throw toApplicationFailure(checked.outcome.refusal);
      const { challengeId } = checked.outcome;
      const expiresAt = new Date(Date.now() + request.session.ttlSeconds * 1000).toISOString();
      try {
        const { user } = await startSession({ email: input.email, sessionId: request.session.id, tokenHash: request.session.tokenHash, expiresAt });
        update(settleVerification(state, Date.now(), challengeId, true));
        return { user, sessionExpiresAt: expiresAt };
      } catch (error) {
        update(settleVerification(state, Date.now(), challengeId, false));
        log.warn('session creation failed; the code stays usable', { error: String(error) });
        throw unavailableFailure('Could not create the session; try the same code again shortly');
      }
    },
    {
      validator: (_request: VerifyCodeInput): void => {
        const refusal = refuseVerification(state, Date.now());
        if (refusal !== undefined) throw toApplicationFailure(refusal);
      },
    },
  );

  for (;;) {
    update(expireCode(state, Date.now()));
    const wakeAt = nextWakeUp(state, Date.now());
    const idle = (): boolean => mailsInFlight === 0 && allHandlersFinished();
    if (wakeAt === undefined && idle()) return;
    if (shouldContinueAsNew() && idle()) {
      await continueAsNew<typeof signInWorkflow>({ email: input.email, carried: state });
    }
    const seen = changes;
    // Wake on any state change, at the next deadline, or (with nothing due) when handlers finish.
    const wake = (): boolean => changes !== seen || (wakeAt === undefined && idle()) || (shouldContinueAsNew() && idle());
    if (wakeAt === undefined) await condition(wake);
    else await condition(wake, Math.max(1, wakeAt - Date.now()));
  }
}
