import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/processes.js';
import { Cleanup, startCluster, type ChaosCluster } from './cluster.js';
import { requestCode, verifyCode } from './faults.js';
import { call, errorCode, retryWhileUnavailable } from './http.js';

const cleanup = new Cleanup();
afterAll(() => cleanup.run());
const hasDatabase = (process.env.DATABASE_URL ?? '') !== '';

/**
 * KNOWN GAPS, pinned down as they are today: a `503 unavailable` answered
 * while no worker runs is not "nothing happened". Temporal keeps the admitted
 * Update (or the started workflow), and a worker that comes back carries it
 * out, so the client's retry, which the 503 invites, meets the first try's
 * effects. These tests assert today's behaviour; when the product closes a gap
 * (e.g. a verify retry that still signs in, an idempotency key for
 * `POST /approvals`), the matching test fails and should be turned around.
 */
describe.skipIf(!hasDatabase)('retrying after a 503 while no worker runs (known gaps)', () => {
  let cluster: ChaosCluster;
  let token = '';
  beforeAll(async () => {
    cluster = await startCluster('retry-503', cleanup, 0);
    expect(await requestCode(cluster.base, 'rita@example.com')).toBe(202);
    const verified = await verifyCode(cluster.base, 'rita@example.com', await cluster.smtp.codeFor('rita@example.com', 60_000));
    expect(verified.status).toBe(200);
    token = verified.token;
  });

  /** Runs `during` with the worker killed, then starts a new one. */
  async function withoutWorker<T>(during: () => Promise<T>): Promise<T> {
    await cluster.killWorker();
    try {
      return await during();
    } finally {
      await cluster.startWorker();
    }
  }

  it('GAP: a verify answered 503 still signs in later, so its retry gets 410 and the session is nobody’s', async () => {
    const { base, smtp, pool } = cluster;
    expect(await requestCode(base, 'pat@example.com')).toBe(202);
    const code = await smtp.codeFor('pat@example.com', 60_000);
    const sessionsOf = async () =>
      (await pool.query<{ n: number }>("select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = 'pat@example.com'")).rows[0]?.n;
    expect(await sessionsOf()).toBe(0);

    const first = await withoutWorker(() => call(base, 'POST', '/auth/verify', { email: 'pat@example.com', code }));
    expect(first.status).toBe(503);
    expect(errorCode(first)).toBe('unavailable');

    const retry = await retryWhileUnavailable(() => call(base, 'POST', '/auth/verify', { email: 'pat@example.com', code }));
    expect(retry.status).toBe(410); // wanted: 200 with a token
    expect(errorCode(retry)).toBe('no_active_code');
    expect(await sessionsOf()).toBe(1); // created for the first try's token, which no one received
  });

  it('GAP: a POST /approvals answered 503 still creates the approval, so the retry makes a second one', async () => {
    const { base } = cluster;
    const body = { title: 'Created twice?', approvers: ['abe@example.com'] };
    const first = await withoutWorker(() => call(base, 'POST', '/approvals', body, token));
    expect(first.status).toBe(503);
    expect(errorCode(first)).toBe('unavailable');

    const retry = await retryWhileUnavailable(() => call(base, 'POST', '/approvals', body, token));
    expect(retry.status).toBe(201);
    const copies = async (): Promise<number> => {
      const list = await call(base, 'GET', '/approvals?role=requester&pageSize=100', undefined, token);
      return (list.json.items as { title: string }[]).filter((approval) => approval.title === body.title).length;
    };
    // The first try's approval appears once the new worker has written its snapshot.
    await waitFor(async () => (await copies()) >= 2, 60_000, 'the first try’s approval to appear').catch(() => undefined);
    expect(await copies()).toBe(2); // wanted: 1
  });
});
