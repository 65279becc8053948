import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/), symmetric
 * `v1` scheme: the signed content is `<webhook-id>.<webhook-timestamp>.<body>`,
 * signed with HMAC-SHA256 under the base64-decoded secret that follows
 * `whsec_`, and sent as `webhook-signature: v1,<base64 signature>`.
 *
 * What a receiver does ({@link verifyWebhook}): read the three headers and the
 * raw body (before any JSON parsing), refuse a timestamp more than five
 * minutes away from its clock, recompute the signature and compare it in
 * constant time with each space-separated entry of `webhook-signature`; then
 * use `webhook-id` to drop a delivery it has already processed (every retry
 * of one delivery carries the same id). Any Standard Webhooks library (e.g.
 * the `standardwebhooks` npm package) does the same with the secret below.
 */

/** Prefix of a Standard Webhooks secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Default allowed distance between a delivery's timestamp and the receiver's clock (the spec's five minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The three Standard Webhooks headers of a delivery, as received. */
export interface WebhookHeaders {
  /** `webhook-id`: the same on every attempt of one delivery. */
  readonly id: string;
  /** `webhook-timestamp`: seconds since the epoch, as sent. */
  readonly timestamp: string | number;
  /** `webhook-signature`: one or more space-separated `v1,<base64>` entries. */
  readonly signature: string;
}

/**
 * The Standard Webhooks secret every callback of this deployment is signed
 * with: `whsec_` followed by the base64 of 32 bytes derived from `AUTH_SECRET`
 * (HMAC-SHA256 of `AUTH_SECRET` over `webhook-signing-key`), so it stays the
 * same across restarts and never reveals `AUTH_SECRET`. Receivers get it with
 * `npm run webhook-secret`.
 *
 * @param authSecret - `AUTH_SECRET` (or the generated development secret)
 * @returns the `whsec_…` secret
 */
export function webhookSigningSecret(authSecret: string): string {
  return WEBHOOK_SECRET_PREFIX + createHmac('sha256', authSecret).update('webhook-signing-key').digest('base64');
}

/** The key bytes of a secret, with or without its `whsec_` prefix. */
function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error('a webhook secret is whsec_ followed by base64');
  return Buffer.from(encoded, 'base64');
}

/** The base64 signature of one delivery. */
function signatureOf(key: Buffer, webhookId: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${webhookId}.${timestamp}.`).update(body).digest('base64');
}

/**
 * Signs one delivery attempt.
 *
 * @param secret - the `whsec_…` secret (the prefix is optional)
 * @param webhookId - the `webhook-id` header
 * @param timestamp - the `webhook-timestamp` header, whole seconds since the epoch
 * @param body - the exact request body
 * @returns the `webhook-signature` header: `v1,<base64 HMAC-SHA256>`
 * @throws Error when the secret is not base64 or the timestamp not a whole non-negative number
 */
export function signWebhook(secret: string, webhookId: string, timestamp: number, body: string | Uint8Array): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('a webhook timestamp is whole seconds since the epoch');
  return `v1,${signatureOf(keyOf(secret), webhookId, timestamp, body)}`;
}

/**
 * Verifies a delivery as a receiver does: the timestamp must be whole seconds
 * within `toleranceSeconds` of `nowSeconds` (either way, against replays),
 * and at least one `v1,` entry of the signature header must match, compared
 * in constant time. Entries of other versions are ignored.
 *
 * @param secret - the `whsec_…` secret (the prefix is optional)
 * @param headers - `webhook-id`, `webhook-timestamp` and `webhook-signature` as received
 * @param body - the raw request body, exactly as received
 * @param nowSeconds - the receiver's clock, seconds since the epoch
 * @param toleranceSeconds - the allowed clock distance (default 300)
 * @returns true when the delivery is authentic and fresh
 * @throws Error when the secret is not base64
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const key = keyOf(secret);
  const timestampText = String(headers.timestamp).trim();
  if (!/^\d{1,15}$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(key, headers.id, timestamp, body));
  let valid = false;
  for (const entry of headers.signature.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const candidate = Buffer.from(entry.slice(comma + 1));
    // Every entry is compared, so the time taken does not tell which one matched.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) valid = true;
  }
  return valid;
}
