import type { SMTPServerOptions } from 'smtp-server';

/**
 * Options every test SMTP server shares: plain text on loopback (no STARTTLS),
 * any or no credentials accepted, no logging, connections dropped within a
 * second on close.
 */
export const PLAIN_SMTP_OPTIONS = {
  authOptional: true,
  allowInsecureAuth: true,
  hideSTARTTLS: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  closeTimeout: 1_000,
  onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
} satisfies SMTPServerOptions;
