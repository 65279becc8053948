import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/shared/email.js';
import {
  deliveryFingerprint,
  deriveSignInCode,
  hashSessionToken,
  newChallengeId,
  newSessionToken,
  signInCodeMac,
  signInWorkflowId,
} from '../../src/utils/secrets.js';

const SECRET = 'a'.repeat(32);
const OTHER_SECRET = 'b'.repeat(32);
const WORKFLOW_ID = signInWorkflowId(SECRET, 'ann@example.com');

describe('signInWorkflowId', () => {
  it('is the prefix and 32 hex characters, without the address', () => {
    const id = signInWorkflowId(SECRET, 'ann@example.com');
    expect(id).toMatch(/^sign-in-[0-9a-f]{32}$/);
    expect(id).not.toContain('ann');
  });

  it('is stable for one secret and email', () => {
    expect(signInWorkflowId(SECRET, 'ann@example.com')).toBe(signInWorkflowId(SECRET, 'ann@example.com'));
  });

  it.each([
    ['another secret', OTHER_SECRET, 'ann@example.com'],
    ['another email', SECRET, 'bob@example.com'],
    ['a differently cased email (callers normalise)', SECRET, 'Ann@example.com'],
  ])('differs with %s', (_label, secret, email) => {
    expect(signInWorkflowId(secret, email)).not.toBe(WORKFLOW_ID);
  });

  it('is the same for every spelling of an address once normalised', () => {
    expect(signInWorkflowId(SECRET, normaliseEmail('  ANN@Example.com '))).toBe(WORKFLOW_ID);
  });
});

describe('deriveSignInCode', () => {
  it('is always six digits, zero-padded, over 2000 random challenge ids', () => {
    const codes = Array.from({ length: 2000 }, () => deriveSignInCode(SECRET, WORKFLOW_ID, newChallengeId()));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // About 10 % of codes start with 0: the padding is exercised.
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });

  it('is stable for the same inputs (a retried mail sends the same code)', () => {
    const challengeId = randomUUID();
    expect(deriveSignInCode(SECRET, WORKFLOW_ID, challengeId)).toBe(deriveSignInCode(SECRET, WORKFLOW_ID, challengeId));
  });

  it.each([
    ['the secret', (id: string) => deriveSignInCode(OTHER_SECRET, WORKFLOW_ID, id)],
    ['the workflow id', (id: string) => deriveSignInCode(SECRET, signInWorkflowId(SECRET, 'bob@example.com'), id)],
    ['the challenge id', (id: string) => deriveSignInCode(SECRET, WORKFLOW_ID, `${id}-x`)],
  ])('depends on %s', (_label, variant) => {
    // One pair may collide by chance (1 in 10^6); 50 pairs all colliding would not.
    const ids = Array.from({ length: 50 }, (_, i) => `challenge-${i}`);
    const same = ids.filter((id) => variant(id) === deriveSignInCode(SECRET, WORKFLOW_ID, id));
    expect(same.length).toBeLessThanOrEqual(1);
  });

  it.each([
    ['first', 0],
    ['last', 5],
  ])('spreads the %s digit evenly over 10000 samples', (_label, position) => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const digit = Number(deriveSignInCode(SECRET, WORKFLOW_ID, `challenge-${i}`)[position]);
      counts[digit] = (counts[digit] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(700);
      expect(count).toBeLessThanOrEqual(1300);
    }
  });
});

describe('signInCodeMac', () => {
  it('is base64url of 256 bits and stable', () => {
    const mac = signInCodeMac(SECRET, WORKFLOW_ID, '123456');
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signInCodeMac(SECRET, WORKFLOW_ID, '123456')).toBe(mac);
  });

  it('gives different MACs to 1000 different codes', () => {
    const macs = Array.from({ length: 1000 }, (_, i) => signInCodeMac(SECRET, WORKFLOW_ID, String(i).padStart(6, '0')));
    expect(new Set(macs).size).toBe(1000);
  });

  it.each([
    ['the secret', () => signInCodeMac(OTHER_SECRET, WORKFLOW_ID, '123456')],
    ['the workflow id', () => signInCodeMac(SECRET, signInWorkflowId(SECRET, 'bob@example.com'), '123456')],
  ])('depends on %s', (_label, variant) => {
    expect(variant()).not.toBe(signInCodeMac(SECRET, WORKFLOW_ID, '123456'));
  });

  it('differs from the code derivation, so a MAC does not reveal a code', () => {
    const challengeId = randomUUID();
    const code = deriveSignInCode(SECRET, WORKFLOW_ID, challengeId);
    const mac = signInCodeMac(SECRET, WORKFLOW_ID, code);
    expect(mac).not.toContain(code);
    expect(signInCodeMac(SECRET, WORKFLOW_ID, deriveSignInCode(SECRET, WORKFLOW_ID, challengeId))).toBe(mac);
  });
});

describe('newSessionToken', () => {
  it('is 43 base64url characters carrying 256 bits', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('is unique over 1000 tokens', () => {
    expect(new Set(Array.from({ length: 1000 }, () => newSessionToken())).size).toBe(1000);
  });
});

describe('newChallengeId', () => {
  it('is a unique random UUID', () => {
    const ids = Array.from({ length: 1000 }, () => newChallengeId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1000);
  });
});

describe.each([
  ['hashSessionToken', hashSessionToken, 64],
  ['deliveryFingerprint', deliveryFingerprint, 32],
])('%s', (_name, hash, length) => {
  // SHA-256("abc") from FIPS 180-2.
  const sha256OfAbc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

  it(`is ${length} hex characters of SHA-256`, () => {
    expect(hash('abc')).toBe(sha256OfAbc.slice(0, length));
    expect(hash(newSessionToken())).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
  });

  it('is stable and differs per input', () => {
    const token = newSessionToken();
    expect(hash(token)).toBe(hash(token));
    expect(hash(token)).not.toBe(hash(`${token}x`));
    expect(hash(token)).not.toContain(token);
  });
});
