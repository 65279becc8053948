import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities.js';

/** Asks for a code: schedules the mail activity and answers at once, like `requestCode`. */
export const baselineRequestUpdate = defineUpdate<void, [string]>('baselineRequest');
/** Checks a code: runs the session activity and answers with its result, like `verifyCode`. */
export const baselineVerifyUpdate = defineUpdate<string, [string]>('baselineVerify');

const { baselineMailActivity, baselineSessionActivity } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '10s' });

/**
 * The benchmark's bare-Temporal baseline: the same server round trips as one
 * sign-in (update-with-start, a mail activity, an update that awaits a
 * session activity), with no HTTP, database or mail behind them.
 *
 * @param email - the flow's key
 */
export async function baselineSignInWorkflow(email: string): Promise<void> {
  let mailsInFlight = 0;
  let verified = false;
  setHandler(baselineRequestUpdate, (challenge: string) => {
    mailsInFlight += 1;
    void baselineMailActivity(email, challenge).finally(() => {
      mailsInFlight -= 1;
    });
  });
  setHandler(baselineVerifyUpdate, async (code: string) => {
    const session = await baselineSessionActivity(email, code);
    verified = true;
    return session;
  });
  await condition(() => verified && mailsInFlight === 0);
}
