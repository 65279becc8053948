import { deliveryFingerprint } from '../utils/secrets.js';

/**
 * The domain part of a sender address, e.g. `example.com` for both
 * `no-reply@example.com` and `Example <no-reply@example.com>`.
 *
 * @param mailFrom - `MAIL_FROM`
 * @returns the domain, or `localhost` when none can be read
 */
export function mailDomain(mailFrom: string): string {
  const match = /@([^\s<>@]+)\s*>?\s*$/.exec(mailFrom.trim());
  return match?.[1]?.toLowerCase() ?? 'localhost';
}

/**
 * The Message-ID of a send request: the same for every attempt of one request,
 * so a resend is recognisable, and without the key itself (a fingerprint).
 *
 * @param idempotencyKey - names the send request
 * @param mailFrom - `MAIL_FROM`, whose domain ends the id
 * @returns `<fingerprint@domain>`
 */
export function messageIdFor(idempotencyKey: string, mailFrom: string): string {
  return `<${deliveryFingerprint(idempotencyKey)}@${mailDomain(mailFrom)}>`;
}
