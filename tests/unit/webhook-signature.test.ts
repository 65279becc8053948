import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, webhookSigningSecret, type WebhookHeaders } from '../../src/utils/webhook-signature.js';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AUTH_SECRET = 'a-test-secret-of-at-least-32-characters!';
const secret = webhookSigningSecret(AUTH_SECRET);
const NOW = 1_750_000_000;
const body = JSON.stringify({ id: 'a1', status: 'approved', title: 'Ünïcode ✓ <b>' });

function headersFor(id: string, timestamp: number, payload = body, key = secret): WebhookHeaders {
  return { id, timestamp: String(timestamp), signature: signWebhook(key, id, timestamp, payload) };
}

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(signWebhook(VECTOR.secret.slice('whsec_'.length), VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });

  it('is HMAC-SHA256 of "<id>.<timestamp>.<body>" under the decoded secret', () => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`wh_1.${NOW}.${body}`).digest('base64');
    expect(signWebhook(secret, 'wh_1', NOW, body)).toBe(`v1,${expected}`);
  });

  it('refuses a secret that is not base64 and a timestamp that is not whole seconds', () => {
    expect(() => signWebhook('whsec_not base64!', 'wh_1', NOW, body)).toThrow(/base64/);
    expect(() => signWebhook('whsec_', 'wh_1', NOW, body)).toThrow(/base64/);
    expect(() => signWebhook(secret, 'wh_1', NOW + 0.5, body)).toThrow(/seconds/);
    expect(() => signWebhook(secret, 'wh_1', -1, body)).toThrow(/seconds/);
  });
});

describe('webhookSigningSecret', () => {
  it('is whsec_ and the base64 of 32 bytes HMAC-SHA256(AUTH_SECRET, "webhook-signing-key")', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(secret).toBe(`whsec_${createHmac('sha256', AUTH_SECRET).update('webhook-signing-key').digest('base64')}`);
  });

  it('is stable for one AUTH_SECRET and differs for another, never showing AUTH_SECRET', () => {
    expect(webhookSigningSecret(AUTH_SECRET)).toBe(secret);
    expect(webhookSigningSecret(`${AUTH_SECRET}x`)).not.toBe(secret);
    expect(secret).not.toContain(AUTH_SECRET);
    expect(Buffer.from(secret.slice(6), 'base64').toString('latin1')).not.toContain(AUTH_SECRET);
  });
});

describe('verifyWebhook', () => {
  it('accepts the test vector at its own time and a fresh signature of ours', () => {
    const headers = { id: VECTOR.id, timestamp: String(VECTOR.timestamp), signature: VECTOR.signature };
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, VECTOR.timestamp)).toBe(true);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, { ...headersFor('wh_1', NOW), timestamp: NOW }, Buffer.from(body), NOW)).toBe(true);
  });

  it('refuses a tampered body, id or timestamp', () => {
    const headers = headersFor('wh_1', NOW);
    expect(verifyWebhook(secret, headers, body.replace('approved', 'rejected'), NOW)).toBe(false);
    expect(verifyWebhook(secret, headers, `${body} `, NOW)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'wh_2' }, body, NOW)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: String(NOW + 1) }, body, NOW)).toBe(false);
  });

  it('refuses a signature made with another secret, or malformed signature headers', () => {
    const other = webhookSigningSecret(`${AUTH_SECRET}-other`);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW, body, other), body, NOW)).toBe(false);
    const sig = headersFor('wh_1', NOW).signature;
    for (const signature of ['', sig.slice(3), `v2,${sig.slice(3)}`, `${sig}x`, sig.slice(0, -2), 'v1,', 'v1']) {
      expect(verifyWebhook(secret, { ...headersFor('wh_1', NOW), signature }, body, NOW), signature).toBe(false);
    }
  });

  it('accepts when any of several space-separated signatures matches (secret rotation)', () => {
    const ours = headersFor('wh_1', NOW).signature;
    const theirs = headersFor('wh_1', NOW, body, webhookSigningSecret(`${AUTH_SECRET}-old`)).signature;
    const withSignature = (signature: string) => ({ ...headersFor('wh_1', NOW), signature });
    expect(verifyWebhook(secret, withSignature(`${theirs} ${ours}`), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, withSignature(`${ours} ${theirs}`), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, withSignature(`v2,abc  ${ours}`), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, withSignature(`${theirs} v2,${ours.slice(3)}`), body, NOW)).toBe(false);
  });

  it('refuses timestamps outside the tolerance, either way, and ones that are not whole seconds', () => {
    expect(verifyWebhook(secret, headersFor('wh_1', NOW - 300), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW + 300), body, NOW)).toBe(true);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW - 301), body, NOW)).toBe(false);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW + 301), body, NOW)).toBe(false);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW - 3_600), body, NOW, 7_200)).toBe(true);
    expect(verifyWebhook(secret, headersFor('wh_1', NOW - 20), body, NOW, 10)).toBe(false);
    for (const timestamp of ['', 'abc', '1.5', '-5', `${NOW}ms`, '1e9']) {
      expect(verifyWebhook(secret, { ...headersFor('wh_1', NOW), timestamp }, body, NOW), timestamp).toBe(false);
    }
  });

  it('throws for a secret that is not base64 (a configuration fault, not a forged delivery)', () => {
    expect(() => verifyWebhook('whsec_???', headersFor('wh_1', NOW), body, NOW)).toThrow(/base64/);
  });
});
