import type { SmtpReceiver } from '../tests/helpers/smtp-receiver.js';
import { callApi } from './http.js';
import type { Recorder } from './load.js';

/** What a flow needs to reach the product. */
export interface FlowContext {
  readonly base: string;
  readonly smtp: SmtpReceiver;
  readonly recorder: Recorder;
}

/**
 * One complete sign-in: request a code, read it from the SMTP receiver, verify it.
 *
 * @param context - API base URL, receiver, recorder
 * @param email - a fresh address (one workflow per email)
 * @returns the session token
 */
export async function signInFlow(context: FlowContext, email: string): Promise<string> {
  const { base, smtp, recorder } = context;
  await callApi(recorder, { base, route: 'POST /auth/sign-in', method: 'POST', path: '/auth/sign-in', body: { email }, expect: 202 });
  const code = await recorder.time('mail (sign-in answered to mail received)', () => smtp.codeFor(email, 30_000));
  const verified = await callApi(recorder, {
    base,
    route: 'POST /auth/verify',
    method: 'POST',
    path: '/auth/verify',
    body: { email, code },
    expect: 200,
  });
  const token = verified.body.token;
  if (typeof token !== 'string') throw new Error('verify answered without a token');
  return token;
}

/** Sessions of the three people an approval flow needs. */
export interface ApprovalPeople {
  readonly requester: string;
  readonly approvers: readonly [{ email: string; token: string }, { email: string; token: string }];
}

/**
 * One complete approval: create it with two required approvals, then both approvers approve.
 *
 * @param context - API base URL, receiver, recorder
 * @param people - the requester's token and the two approvers
 * @param title - the approval's title
 */
export async function approvalFlow(context: FlowContext, people: ApprovalPeople, title: string): Promise<void> {
  const { base, recorder } = context;
  const created = await callApi(recorder, {
    base,
    route: 'POST /approvals',
    method: 'POST',
    path: '/approvals',
    token: people.requester,
    body: { title, approvers: people.approvers.map((person) => person.email), requiredApprovals: 2 },
    expect: 201,
  });
  const id = created.body.id;
  if (typeof id !== 'string') throw new Error('create answered without an id');
  for (const approver of people.approvers) {
    await callApi(recorder, {
      base,
      route: 'POST /approvals/:id/decision',
      method: 'POST',
      path: `/approvals/${id}/decision`,
      token: approver.token,
      body: { decision: 'approve' },
      expect: 200,
    });
  }
}
