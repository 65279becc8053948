import { strict as assert } from 'node:assert';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { requestCodeUpdate, verifyCodeUpdate, type RequestCodeResult, type SignInWorkflowInput } from '../../src/shared/sign-in.js';
import { deriveSignInCode, hashSessionToken, signInCodeMac } from '../../src/utils/secrets.js';
import type { SIGN_IN_PATHS } from './histories.js';
import { refusalOf, type Recorder } from './recorder.js';

/**
 * The sign-in paths, driven the way the API drives them (update-with-start of
 * `requestCode`, then `verifyCode` Updates), with codes and MACs made by the
 * product's own secret functions. Each path ends when the workflow completes
 * (a day after its last change; the test server skips that time).
 */

type SignInPath = (typeof SIGN_IN_PATHS)[number];

/** Fixed challenge ids: the n-th code of a path. */
const challengeId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let sessions = 0;

function driver(recorder: Recorder, workflowId: string) {
  const { env, config, authSecret, taskQueue } = recorder;
  const handle = env.client.workflow.getHandle(workflowId);
  const code = (n: number): string => deriveSignInCode(authSecret, workflowId, challengeId(n));
  const macOf = (plain: string): string => signInCodeMac(authSecret, workflowId, plain);
  return {
    handle,
    code,
    /** A six-digit code that is not the n-th code. */
    wrongCode: (n: number): string => String((Number(code(n)) + 1) % 1_000_000).padStart(6, '0'),
    async requestCode(n: number): Promise<RequestCodeResult> {
      const startWorkflowOperation = new WithStartWorkflowOperation<(input: SignInWorkflowInput) => Promise<void>>('signInWorkflow', {
        workflowId,
        taskQueue,
        args: [{ email: `${workflowId}@example.com` }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const result = await env.client.workflow.executeUpdateWithStart(requestCodeUpdate, {
        args: [{ challengeId: challengeId(n), codeMac: macOf(code(n)), policy: config.otp }],
        startWorkflowOperation,
      });
      await recorder.settle(workflowId);
      return result;
    },
    async verify(plain: string) {
      sessions += 1;
      const session = { id: `00000000-0000-4000-9000-${String(sessions).padStart(12, '0')}`, tokenHash: hashSessionToken(`token-${sessions}`), ttlSeconds: config.sessionTtlSeconds };
      try {
        return await handle.executeUpdate(verifyCodeUpdate, { args: [{ codeMac: macOf(plain), session }] });
      } finally {
        await recorder.settle(workflowId);
      }
    },
  };
}

/** Each sign-in path, by fixture name; the fixture's name is also the workflow id. */
export const signInPaths: Record<SignInPath, (recorder: Recorder, workflowId: string) => Promise<void>> = {
  async 'sign-in-success'(recorder, workflowId) {
    const d = driver(recorder, workflowId);
    await d.requestCode(1);
    const signedIn = await d.verify(d.code(1));
    assert.equal(signedIn.user.email, `${workflowId}@example.com`);
    await d.handle.result();
  },

  async 'sign-in-wrong-codes'(recorder, workflowId) {
    const d = driver(recorder, workflowId);
    await d.requestCode(1);
    assert.equal(await refusalOf(d.verify(d.wrongCode(1))), 'invalid_code');
    assert.equal(await refusalOf(d.verify(d.wrongCode(1))), 'invalid_code');
    await d.verify(d.code(1));
    await d.handle.result();
  },

  async 'sign-in-lockout'(recorder, workflowId) {
    const d = driver(recorder, workflowId);
    await d.requestCode(1);
    for (let i = 0; i < recorder.config.otp.maxAttempts; i += 1) assert.equal(await refusalOf(d.verify(d.wrongCode(1))), 'invalid_code');
    // Locked: even the right code is refused now (by the validator, so nothing is recorded).
    assert.equal(await refusalOf(d.verify(d.code(1))), 'too_many_attempts');
    await d.handle.result();
  },

  async 'sign-in-expiry'(recorder, workflowId) {
    const d = driver(recorder, workflowId);
    await d.requestCode(1);
    await recorder.env.sleep(`${recorder.config.otp.ttlSeconds + 60} seconds`);
    await recorder.settle(workflowId);
    assert.equal(await refusalOf(d.verify(d.code(1))), 'code_expired');
    await d.handle.result();
  },

  async 'sign-in-resend'(recorder, workflowId) {
    const d = driver(recorder, workflowId);
    const first = await d.requestCode(1);
    assert.equal(await refusalOf(d.requestCode(2)), 'too_many_requests');
    await recorder.env.sleep(Date.parse(first.resendAvailableAt) - (await recorder.env.currentTimeMs()) + 1_000);
    await d.requestCode(2);
    // The second code replaced the first: the first is now just a wrong code.
    assert.equal(await refusalOf(d.verify(d.code(1))), 'invalid_code');
    await d.verify(d.code(2));
    await d.handle.result();
  },
};
