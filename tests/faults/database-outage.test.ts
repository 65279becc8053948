import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { waitFor } from '../helpers/processes.js';
import { signInAs } from '../helpers/sessions.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// The API and the worker (in this process, wired by the same bootstrap functions as `npm start`)
// reach a fresh PostgreSQL database only through a TCP proxy of ours, which the test cuts
// (open connections reset, new ones refused) and restores, while the processes keep running.

const baseUrl = process.env.DATABASE_URL;
const OWNER = 'owner@example.com';
const DURING = 'during@example.com';
const AFTER = 'after@example.com';

interface Answer {
  status: number;
  body: { error?: { code?: string; message?: string; checks?: unknown } } & Record<string, unknown>;
  ms: number;
}

describe.skipIf(baseUrl === undefined)('PostgreSQL cut off and back (DATABASE_URL)', () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let stack: SignInStack;
  let token = '';
  let approvalId = '';

  beforeAll(async () => {
    database = await createTestDatabase(baseUrl ?? '', 'faults_db_outage');
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || '5432') });
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    stack = await startSignInStack({ env: { DATABASE_URL: proxied.toString() } });
  });
  afterAll(async () => {
    proxy?.restore();
    await stack?.stop();
    await proxy?.close();
    await database?.drop();
  });

  async function call(method: 'GET' | 'POST', url: string, payload?: object, bearer?: string): Promise<Answer> {
    const started = Date.now();
    const res = await stack.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload }),
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
    });
    return { status: res.statusCode, body: res.json(), ms: Date.now() - started };
  }

  /** Log lines of code-mail attempts that failed because the database was unreachable. */
  const mailFailures = () => stack.logs.filter((line) => line.includes('sign-in code mail failed') && line.includes('database_unavailable')).length;

  /** The DB-backed reads checked in every phase. */
  const probes = (): [string, () => Promise<Answer>][] => [
    ['GET /readyz', () => call('GET', '/readyz')],
    ['GET /auth/me', () => call('GET', '/auth/me', undefined, token)],
    ['GET /approvals', () => call('GET', '/approvals?role=requester', undefined, token)],
    ['GET /approvals/:id', () => call('GET', `/approvals/${approvalId}`, undefined, token)],
  ];

  it('serves through the proxy while it is open', { timeout: 120_000 }, async () => {
    token = await signInAs(stack, OWNER);
    const created = await call('POST', '/approvals', { title: 'Outage drill', approvers: ['approver@example.com'] }, token);
    expect(created.status).toBe(201);
    approvalId = String(created.body.id);
    for (const [name, probe] of probes()) expect({ name, status: (await probe()).status }).toEqual({ name, status: 200 });
    // The rows are in the test database, and they got there through the proxy.
    const direct = new pg.Client({ connectionString: database?.url });
    await direct.connect();
    const users = await direct.query<{ n: string }>('select count(*) as n from users where email = $1', [OWNER]).finally(() => direct.end());
    expect(users.rows[0]?.n).toBe('1');
    expect(proxy?.stats.forwarded).toBeGreaterThan(0);
    console.log(`[db open] proxy connections forwarded=${proxy?.stats.forwarded} open=${proxy?.openConnections()}`);
  });

  it('answers 503 unavailable within 5 s on DB-backed routes while the database is cut off', { timeout: 120_000 }, async () => {
    proxy?.cut();
    const seen: string[] = [];
    for (let round = 1; round <= 2; round += 1) {
      for (const [name, probe] of probes()) {
        const answer = await probe();
        seen.push(`${name} ${answer.status} ${answer.ms}ms`);
        expect({ name, status: answer.status }).toEqual({ name, status: 503 });
        expect(answer.body.error).toMatchObject({ code: 'unavailable', message: expect.any(String) as string });
        expect(answer.ms).toBeLessThan(5_000);
        if (name === 'GET /readyz') expect(answer.body.error?.checks).toEqual({ temporal: 'ok', database: 'fail' });
      }
    }
    // The process itself is alive, and Temporal-only work is still accepted.
    expect((await call('GET', '/healthz')).status).toBe(200);
    const during = await call('POST', '/auth/sign-in', { email: DURING });
    expect(during.status).toBe(202);
    // Keep the cut until the worker's mail activity has hit it (its claim needs the database).
    await waitFor(() => mailFailures() > 0, 30_000, 'the code mail to fail on the database');
    console.log(
      `[db cut] ${seen.join('; ')}; sign-in during the cut -> ${during.status}; mail attempts failed on the database=${mailFailures()}; ` +
        `proxy refused=${proxy?.stats.refused} severed=${proxy?.stats.severed}`,
    );
    expect(proxy?.stats.refused).toBeGreaterThan(0);
    expect(stack.smtp.messages.filter((m) => m.to.includes(DURING))).toEqual([]);
  });

  it('answers 200 again once the database is back, without a restart, and sign-in works end to end', { timeout: 180_000 }, async () => {
    const refusedWhileCut = proxy?.stats.refused ?? 0;
    proxy?.restore();
    let polls = 0;
    const ready = await waitFor(
      async () => {
        polls += 1;
        const answer = await call('GET', '/readyz');
        return answer.status === 200 ? answer : undefined;
      },
      30_000,
      '/readyz to answer 200 after the proxy was restored',
    );
    expect(ready.body).toEqual({ status: 'ready', checks: { temporal: 'ok', database: 'ok' } });
    for (const [name, probe] of probes()) expect({ name, status: (await probe()).status }).toEqual({ name, status: 200 });
    const listed = await call('GET', '/approvals?role=requester', undefined, token);
    expect((listed.body.items as { id: string }[]).map((item) => item.id)).toEqual([approvalId]);

    // The code asked for during the cut is mailed once the worker's retries reach the database.
    const duringCode = await stack.smtp.codeFor(DURING, 90_000);
    const duringVerified = await call('POST', '/auth/verify', { email: DURING, code: duringCode });
    expect(duringVerified.status).toBe(200);
    // A fresh sign-in, start to end.
    const afterToken = await signInAs(stack, AFTER);
    const me = await call('GET', '/auth/me', undefined, afterToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email: AFTER } });

    const duringMails = stack.smtp.messages.filter((m) => m.to.includes(DURING)).length;
    console.log(
      `[db restored] readyz polls until 200=${polls}; mails to the address that signed in during the cut=${duringMails} ` +
        `(after ${mailFailures()} failed attempts); ` +
        `proxy forwarded=${proxy?.stats.forwarded} refused while cut=${refusedWhileCut} refused after restore=${(proxy?.stats.refused ?? 0) - refusedWhileCut}`,
    );
    expect(duringMails).toBe(1);
    expect(proxy?.stats.refused).toBe(refusedWhileCut);
  });

  it('answers 503 within 5 s while the network to the database goes silent, and 200 once it speaks again', { timeout: 120_000 }, async () => {
    proxy?.stall();
    const seen: string[] = [];
    for (const [name, probe] of probes()) {
      const answer = await probe();
      seen.push(`${name} ${answer.status} ${answer.ms}ms`);
      expect({ name, status: answer.status }).toEqual({ name, status: 503 });
      expect(answer.body.error).toMatchObject({ code: 'unavailable' });
      expect(answer.ms).toBeLessThan(5_000);
    }
    const heldWhileSilent = proxy?.stats.held ?? 0;
    proxy?.restore();
    const ready = await waitFor(async () => ((await call('GET', '/readyz')).status === 200 ? true : undefined), 30_000, '/readyz after the stall');
    expect(ready).toBe(true);
    for (const [name, probe] of probes()) expect({ name, status: (await probe()).status }).toEqual({ name, status: 200 });
    console.log(`[db silent] ${seen.join('; ')}; chunks held while silent=${heldWhileSilent}; after: all probes 200`);
    expect(heldWhileSilent).toBeGreaterThan(0);
  });
});
