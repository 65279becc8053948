/**
 * The one email normaliser of the product (contract: "Emails are normalised
 * (trimmed, lower-cased)"). Workflow-safe: no Node imports.
 *
 * @param email - an address as a person typed it
 * @returns the address trimmed and lower-cased
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Longest usable address (RFC 5321 path limit minus the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

const LOCAL_PART = /^[^\s@"(),:;<>[\\\]\p{Cc}]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/**
 * Tells whether a normalised address can receive a sign-in code: one `@`, a
 * local part of at most 64 characters without spaces, quotes or separators
 * and without leading, trailing or doubled dots, and a domain of valid labels
 * (internationalised names allowed). Deliberately no stricter: only the mail
 * proves an address works.
 *
 * @param email - a normalised address
 * @returns true when the address is usable
 */
export function isValidEmail(email: string): boolean {
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  return domain.length <= 253 && labels.every((label) => DOMAIN_LABEL.test(label));
}
