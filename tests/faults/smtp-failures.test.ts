import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';
import { startFaultySmtp, type FaultySmtp, type SmtpAttempt } from './faulty-smtp.js';

// The code mail goes through a real SMTP server of ours that refuses or hangs on command.
// The API answers 202 without waiting for SMTP; the mail activity retries with backoff
// (1 s, doubling) for as long as the code lives; the code dies at the expiresAt of the 202.

const TTL_SECONDS = 25;
/** nodemailer's greeting timeout in src/mail/smtp-mailer.ts (SMTP_TIMEOUT_MS). */
const MAILER_TIMEOUT_MS = 10_000;

let smtp: FaultySmtp;
let stack: SignInStack;

beforeAll(async () => {
  smtp = await startFaultySmtp();
  stack = await startSignInStack({ env: { SMTP_URL: smtp.url, OTP_TTL_SECONDS: String(TTL_SECONDS) } });
});
afterAll(async () => {
  await stack.stop();
  await smtp.close();
});

interface CodeSent {
  status: string;
  expiresAt: string;
  resendAvailableAt: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gaps = (attempts: readonly SmtpAttempt[]) => attempts.slice(1).map((attempt, i) => attempt.at - (attempts[i]?.at ?? 0));

/** Asks for a code and checks the 202 against the contract; returns its expiry (epoch ms). */
async function requestCode(email: string): Promise<number> {
  const before = Date.now();
  const res = await stack.app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email } });
  const after = Date.now();
  expect(res.statusCode).toBe(202);
  const body = res.json<CodeSent>();
  expect(body.status).toBe('code_sent');
  const expiresAt = Date.parse(body.expiresAt);
  // The lifetime starts when the code is issued (during the request), not when a mail gets through.
  expect(expiresAt).toBeGreaterThanOrEqual(before - 1_000 + TTL_SECONDS * 1_000);
  expect(expiresAt).toBeLessThanOrEqual(after + 1_000 + TTL_SECONDS * 1_000);
  expect(Number.isNaN(Date.parse(body.resendAvailableAt))).toBe(false);
  // The 202 came before any mail was accepted for this address.
  expect(smtp.attemptsTo(email).filter((a) => a.outcome === 'accepted')).toEqual([]);
  return expiresAt;
}

const verify = (email: string, code: string) => stack.app.inject({ method: 'POST', url: '/auth/verify', payload: { email, code } });

describe('sign-in while the SMTP server fails', () => {
  it('uses the SMTP_URL given in options.env (not the stack’s own receiver)', () => {
    expect(stack.config.smtpUrl).toBe(smtp.url);
  });

  it('answers 202 while the server hangs, retries after the mailer timeout, mails once, and the code dies at the first expiresAt', { timeout: 150_000 }, async () => {
    const email = 'hang@example.com';
    smtp.dropConnections(); // no pooled connection to reuse: the next mail needs a new (hanging) one
    smtp.hangNext(1);
    const startedAt = Date.now();
    const expiresAt = await requestCode(email);

    const { code, attempt: delivered } = await smtp.codeFor(email, TTL_SECONDS * 1_000);
    const hung = smtp.attempts.filter((a) => a.outcome === 'hung' && a.at >= startedAt);
    expect(hung).toHaveLength(1);
    const waitedMs = delivered.at - (hung[0]?.at ?? 0);
    // The client gave up on the silent server only after its own timeout, then tried again.
    expect(waitedMs).toBeGreaterThanOrEqual(MAILER_TIMEOUT_MS - 500);
    expect(delivered.at).toBeLessThan(expiresAt);

    // The code is live before expiresAt: a wrong code counts as a wrong try (401, not 410).
    const wrong = await verify(email, code === '000000' ? '000001' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_code', attemptsRemaining: 4 } });

    await sleep(Math.max(0, expiresAt + 1_000 - Date.now()));
    const late = await verify(email, code);
    const checkedAt = Date.now();
    expect(late.statusCode).toBe(410);
    expect(late.json()).toMatchObject({ error: { code: 'code_expired' } });
    // Had the lifetime started with the late mail, the code would still be live now.
    expect(delivered.at + TTL_SECONDS * 1_000).toBeGreaterThan(checkedAt);

    const accepted = smtp.attemptsTo(email).filter((a) => a.outcome === 'accepted');
    console.log(
      `[smtp hang] hung connections=${hung.length} mails accepted=${accepted.length} ` +
        `mail after request=${delivered.at - startedAt} ms, after hung connect=${waitedMs} ms; ` +
        `verify after expiry -> ${late.statusCode}, code's lifetime left if it began at the mail=${delivered.at + TTL_SECONDS * 1_000 - checkedAt} ms`,
    );
    expect(accepted).toHaveLength(1);
  });

  it('answers 202 while the server refuses (451), retries with growing gaps, mails once, and the code works', { timeout: 120_000 }, async () => {
    const email = 'refused@example.com';
    const refusals = 3;
    smtp.refuseNext(refusals);
    const expiresAt = await requestCode(email);

    const { code, attempt: delivered } = await smtp.codeFor(email, TTL_SECONDS * 1_000);
    expect(delivered.at).toBeLessThan(expiresAt);
    const verified = await verify(email, code);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ tokenType: 'Bearer', user: { email } });

    await sleep(3_000); // room for a duplicate to show up, if the activity were to send again
    const tries = smtp.attemptsTo(email);
    const between = gaps(tries);
    console.log(
      `[smtp 451] attempts=${tries.length} (${tries.map((t) => t.outcome).join(', ')}) gaps=${between.join(', ')} ms; ` +
        `mails accepted=${tries.filter((t) => t.outcome === 'accepted').length}; verify -> ${verified.statusCode}`,
    );
    expect(tries.map((t) => t.outcome)).toEqual([...Array<string>(refusals).fill('refused'), 'accepted']);
    // Backoff: 1 s, then doubling (scheduling adds a little to each gap).
    between.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(0.9 * 1_000 * 2 ** i));
    for (let i = 1; i < between.length; i += 1) expect(between[i]).toBeGreaterThan(between[i - 1] ?? 0);
    // Every attempt is the same send request: one Message-ID, so a copy would be recognisable.
    expect(new Set(tries.map((t) => t.messageId)).size).toBe(1);
  });

  it('sent nothing through the stack’s own receiver', () => {
    expect(stack.smtp.messages).toEqual([]);
  });
});
