import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/processes.js';
import { extractCode } from '../helpers/smtp-receiver.js';
import { Cleanup, startCluster, type ChaosCluster } from './cluster.js';
import { distinctMails, killWorkerMidSend, requestCode, verifyCode, waitUntilMailQuiet } from './faults.js';
import { call } from './http.js';

const cleanup = new Cleanup();
afterAll(() => cleanup.run());
const hasDatabase = (process.env.DATABASE_URL ?? '') !== '';

/**
 * `kill -9` of the worker process (API and worker run apart, on PostgreSQL).
 * The SMTP receiver is slow (500 ms per answer) and holds its answers while
 * the test kills; see `killWorkerMidSend` for why no mail can be doubled.
 */
describe.skipIf(!hasDatabase)('kill -9 of the worker', () => {
  let cluster: ChaosCluster;
  beforeAll(async () => {
    cluster = await startCluster('worker-kill', cleanup, 500);
  });

  it('while code mails are on the wire: a new worker sends each one exactly once and every code verifies', async () => {
    const { base, smtp } = cluster;
    const emails = Array.from({ length: 6 }, (_, i) => `wire-${i}@example.com`);
    smtp.hold(); // nothing is answered before the kill: every send dies in the worker
    for (const status of await Promise.all(emails.map((email) => requestCode(base, email)))) expect(status).toBe(202);
    const kill = await killWorkerMidSend(cluster, 3);

    // The kill caught three mails on the wire (the pool's three connections) and the receiver
    // took none of them: without a retry, these people would never get their codes.
    expect(kill).toEqual({ onTheWire: 3, dropped: 3 });
    expect(smtp.messages).toHaveLength(0);
    expect(await cluster.markedDeliveries()).toBe(0);

    // The new worker gets each mail activity again once its 15 s start-to-close timeout has run out.
    await cluster.startWorker();
    const codes = await Promise.all(emails.map((email) => smtp.codeFor(email, 120_000)));
    for (const [i, email] of emails.entries()) {
      const verified = await verifyCode(base, email, codes[i] ?? '');
      expect(verified.status, email).toBe(200);
    }
    await waitUntilMailQuiet(cluster);
    for (const email of emails) expect(smtp.mailsTo(email), email).toHaveLength(1);
    expect(distinctMails(smtp)).toBe(smtp.messages.length);
    expect(await cluster.markedDeliveries()).toBe(emails.length);
  });

  it('while workflows wait for their codes: a new worker serves every verify and the sessions work', async () => {
    const { base, smtp } = cluster;
    const emails = Array.from({ length: 5 }, (_, i) => `waiting-${i}@example.com`);
    for (const status of await Promise.all(emails.map((email) => requestCode(base, email)))) expect(status).toBe(202);
    const codes = await Promise.all(emails.map((email) => smtp.codeFor(email, 60_000)));
    await waitUntilMailQuiet(cluster); // codes issued, nothing running: every workflow waits for a verify

    await cluster.killWorker();
    expect(cluster.worker().child.signalCode).toBe('SIGKILL');
    await cluster.startWorker();

    // A wrong code first: the workflow really checks (negative control), and the right one still works after.
    const [first] = emails;
    const wrong = await verifyCode(base, first ?? '', codes[0] === '000000' ? '111111' : '000000');
    expect(wrong.status).toBe(401);
    for (const [i, email] of emails.entries()) {
      const verified = await verifyCode(base, email, codes[i] ?? '');
      expect(verified.status, email).toBe(200);
      const me = await call(base, 'GET', '/auth/me', undefined, verified.token);
      expect(me).toMatchObject({ status: 200, json: { user: { email } } });
    }
    for (const email of emails) expect(smtp.mailsTo(email), email).toHaveLength(1);
  });

  it('KNOWN LIMIT, and the control that a doubled mail is seen: a kill after the 250, before the record, mails the same code twice', async () => {
    const { base, smtp, pool } = cluster;
    const email = 'window@example.com';
    const waitingOnLocks = async (): Promise<number> =>
      (await pool.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()")).rows[0]?.n ?? 0;
    smtp.hold();
    expect(await requestCode(base, email)).toBe(202);
    await waitFor(() => smtp.holding() === 1, 30_000, 'the mail on the wire');
    // Hold the claimed delivery row, so the worker's "mark as sent" waits: the kill lands in the window.
    const locker = await pool.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from email_deliveries where sent_at is null for update');
      smtp.release();
      await waitFor(() => smtp.mailsTo(email).length === 1, 30_000, 'the 250');
      await waitFor(async () => (await waitingOnLocks()) >= 1, 30_000, 'the record to wait for the row');
      await cluster.killWorker();
      // The dead worker's update must not land late: its statement dies with it.
      await pool.query("select pg_terminate_backend(pid) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
      await locker.query('rollback');
    } finally {
      locker.release();
    }
    await cluster.startWorker();
    await waitFor(() => smtp.mailsTo(email).length >= 2, 120_000, 'the resend');
    const [first, second] = smtp.mailsTo(email);
    expect(second?.messageId).toBe(first?.messageId); // a mail client can tell the copy
    const code = extractCode(first?.text ?? '');
    expect(extractCode(second?.text ?? '')).toBe(code);
    expect((await verifyCode(base, email, code)).status).toBe(200);
  });
});
