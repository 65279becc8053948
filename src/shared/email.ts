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
