import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

/** Paths whose values never reach a log line (tokens, codes, secrets). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.token',
  '*.password',
  '*.secret',
  '*.authSecret',
  '*.turnstileToken',
];

/**
 * Creates the process logger (JSON lines on stdout).
 *
 * @param level - the minimum level to write
 * @param name - the process role, added to every line
 * @returns a pino logger that redacts secrets
 */
export function createLogger(level: LogLevel, name: string): Logger {
  return pino({ level, name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
