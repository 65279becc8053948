import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { SIGN_IN_WORKFLOW_ID_PREFIX } from '../shared/sign-in.js';

/**
 * The product's secret-handling primitives, each HMAC-SHA256 keyed with
 * `AUTH_SECRET` under its own label, so one output never helps compute another.
 *
 * A sign-in code is derived from a random challenge id (a CSPRNG UUID made by
 * the API) with the secret, like HOTP: the API and the mail activity both
 * derive it, so the plain code is never stored or sent through Temporal, and a
 * retried send activity mails the very same code. Temporal holds only the
 * challenge id and the code's MAC; neither helps without the secret.
 */

function hmac(secret: string, label: string, ...parts: string[]): Buffer {
  const mac = createHmac('sha256', secret);
  mac.update(label);
  for (const part of parts) mac.update(`\u0000${part}`);
  return mac.digest();
}

/**
 * The sign-in workflow id of an email: a keyed hash, so ids never show the address.
 *
 * @param secret - `AUTH_SECRET`
 * @param normalisedEmail - the normalised email
 * @returns `sign-in-` followed by 32 hex characters (128 bits)
 */
export function signInWorkflowId(secret: string, normalisedEmail: string): string {
  return SIGN_IN_WORKFLOW_ID_PREFIX + hmac(secret, 'sign-in-workflow-id', normalisedEmail).subarray(0, 16).toString('hex');
}

/**
 * A new challenge id, from the CSPRNG.
 *
 * @returns a random UUID
 */
export function newChallengeId(): string {
  return randomUUID();
}

/**
 * The 6-digit code of a challenge: 48 bits of an HMAC reduced modulo 10^6
 * (bias below 2^-28), zero-padded.
 *
 * @param secret - `AUTH_SECRET`
 * @param workflowId - the sign-in workflow id (binds the code to the email)
 * @param challengeId - the challenge id
 * @returns six digits
 */
export function deriveSignInCode(secret: string, workflowId: string, challengeId: string): string {
  const value = hmac(secret, 'sign-in-code', workflowId, challengeId).readUIntBE(0, 6);
  return String(value % 1_000_000).padStart(6, '0');
}

/**
 * The MAC of a code for one email, compared by the workflow in constant time.
 * Keyed, so the 10^6 possible codes cannot be tried offline without the secret.
 *
 * @param secret - `AUTH_SECRET`
 * @param workflowId - the sign-in workflow id
 * @param code - six digits
 * @returns base64url MAC
 */
export function signInCodeMac(secret: string, workflowId: string, code: string): string {
  return hmac(secret, 'sign-in-code-mac', workflowId, code).toString('base64url');
}

/**
 * A new bearer token: 256 random bits.
 *
 * @returns the token, base64url (43 characters)
 */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The stored form of a session token. A plain SHA-256 suffices: the token has
 * 256 random bits, so the hash cannot be reversed by trying tokens.
 *
 * @param token - the bearer token
 * @returns hex SHA-256
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A stable, non-reversible name for a send request, usable in file names and
 * Message-IDs.
 *
 * @param key - the idempotency key
 * @returns 32 hex characters
 */
export function deliveryFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
