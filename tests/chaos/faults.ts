import { Client, Connection } from '@temporalio/client';
import { waitFor } from '../helpers/processes.js';
import type { ChaosCluster } from './cluster.js';
import type { FaultySmtp } from './faulty-smtp.js';
import { call, retryWhileUnavailable, type Tally } from './http.js';

/** Send requests the receiver has taken a mail for (a resend of one counts once). */
export function distinctMails(smtp: FaultySmtp): number {
  return new Set(smtp.messages.map((mail) => mail.messageId)).size;
}

/** What {@link killWorkerMidSend} saw. */
export interface MidSendKill {
  /** Mails on the wire (received, answer held) when the worker died. */
  readonly onTheWire: number;
  /** Of those, how many the receiver dropped because their client was gone when it answered. */
  readonly dropped: number;
}

/**
 * `kill -9` of the worker while at least `minOnTheWire` mails are on the
 * wire, timed so that no send is inside the at-least-once window (after the
 * SMTP server's `250`, before the worker records the delivery in
 * `email_deliveries`): the receiver holds every answer, and the kill waits
 * until every mail it already answered is recorded as sent. Then the held
 * answers are let go to closed connections, so those mails are dropped, and
 * a retry must send each of them once.
 *
 * @param cluster - the running cluster
 * @param minOnTheWire - mails that must be held before the kill (the SMTP pool allows 3 per worker)
 * @returns how many mails the kill caught on the wire
 */
export async function killWorkerMidSend(cluster: ChaosCluster, minOnTheWire: number): Promise<MidSendKill> {
  const { smtp } = cluster;
  smtp.hold();
  try {
    await waitFor(
      async () => smtp.holding() >= minOnTheWire && (await cluster.markedDeliveries()) === distinctMails(smtp),
      60_000,
      `${minOnTheWire} mails on the wire and every answered one recorded`,
    );
    const onTheWire = smtp.holding();
    const droppedBefore = smtp.discarded();
    await cluster.killWorker();
    await waitFor(() => smtp.openConnections() === 0, 15_000, "the dead worker's SMTP connections to close");
    smtp.release();
    await waitFor(() => smtp.holding() === 0, 15_000, 'the held answers to go out');
    return { onTheWire, dropped: smtp.discarded() - droppedBefore };
  } finally {
    smtp.release();
  }
}

/**
 * Waits until nothing is being sent: no answer held and every mail taken recorded as sent.
 *
 * @param cluster - the running cluster
 */
export async function waitUntilMailQuiet(cluster: ChaosCluster): Promise<void> {
  await waitFor(
    async () => cluster.smtp.holding() === 0 && (await cluster.markedDeliveries()) === distinctMails(cluster.smtp),
    60_000,
    'every sent mail to be recorded',
  );
}

/**
 * Asks for a sign-in code as a client would: again while the API says 503.
 * A `429` after a 503 means the earlier try went through (its code is on the way).
 *
 * @param base - the API's base URL
 * @param email - the address
 * @param tally - where answers are counted
 * @returns the final answer's status (202, or 429 after a 503)
 */
export async function requestCode(base: string, email: string, tally?: Tally): Promise<number> {
  const answer = await retryWhileUnavailable(() => call(base, 'POST', '/auth/sign-in', { email }, undefined, tally));
  if (answer.status === 202 || (answer.status === 429 && answer.unavailable > 0)) return answer.status;
  throw new Error(`sign-in of ${email}: ${answer.status} ${JSON.stringify(answer.json)}`);
}

/**
 * Verifies a code, again while the API says 503.
 *
 * @param base - the API's base URL
 * @param email - the address
 * @param code - the mailed code
 * @param tally - where answers are counted
 * @returns the final status and the token of a 200
 */
export async function verifyCode(base: string, email: string, code: string, tally?: Tally): Promise<{ status: number; token: string }> {
  const answer = await retryWhileUnavailable(() => call(base, 'POST', '/auth/verify', { email, code }, undefined, tally));
  return { status: answer.status, token: typeof answer.json.token === 'string' ? answer.json.token : '' };
}

/**
 * Waits until no running workflow has an activity pending (every mail sent and
 * recorded), so a kill cannot land between an SMTP `250` and its record.
 *
 * @param address - the Temporal frontend
 * @param timeoutMs - how long to wait
 */
export async function waitForNoPendingActivities(address: string, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    await waitFor(
      async () => {
        for await (const execution of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          const described = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
          if ((described.raw.pendingActivities ?? []).length > 0) return false;
        }
        return true;
      },
      timeoutMs,
      'no pending activity',
    );
  } finally {
    await connection.close();
  }
}
