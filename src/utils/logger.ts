import { pino, type DestinationStream, type Logger } from 'pino';
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
 * @param destination - where lines go (default: stdout)
 * @returns a pino logger that redacts secrets
 */
export function createLogger(level: LogLevel, name: string, destination?: DestinationStream): Logger {
  const options = { level, name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
