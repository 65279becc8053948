import { z } from 'zod';

/** Thrown when an environment variable holds a value the service cannot use. */
export class ConfigError extends Error {
  /**
   * @param variable - the environment variable at fault
   * @param reason - why its value was refused
   */
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const trimmed = value.trim();
      const parsed = Number(trimmed);
      if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(parsed)) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number (got "${value}")` });
        return z.NEVER;
      }
      if (parsed < min || parsed > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
        ctx.addIssue({ code: 'custom', message: `must be ${range} (got ${parsed})` });
        return z.NEVER;
      }
      return parsed;
    });

const url = (protocols: readonly string[]) =>
  optionalString.superRefine((value, ctx) => {
    if (value === undefined) return;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a valid URL' });
      return;
    }
    if (!protocols.includes(parsed.protocol)) {
      ctx.addIssue({ code: 'custom', message: `must use one of ${protocols.join(', ')}` });
    }
  });

const envSchema = z.object({
  NODE_ENV: optionalString,
  PORT: integer(3000, 0, 65535),
  HOST: optionalString.transform((value) => value ?? '127.0.0.1'),
  DATA_DIR: optionalString.transform((value) => value ?? './data'),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString.transform((value) => value ?? 'default'),
  TEMPORAL_TASK_QUEUE: optionalString.transform((value) => value ?? 'backend'),
  TEMPORAL_DEV_SERVER_PORT: integer(7233, 1, 65535),
  TEMPORAL_DEV_UI_PORT: integer(8233, 1, 65535),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  SMTP_URL: url(['smtp:', 'smtps:']),
  MAIL_FROM: optionalString.transform((value) => value ?? 'no-reply@localhost').refine((value) => value.includes('@'), {
    message: 'must be an email address',
  }),
  TURNSTILE_SECRET_KEY: optionalString,
  TURNSTILE_VERIFY_URL: url(['http:', 'https:']).transform(
    (value) => value ?? 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  ),
  AUTH_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  OTP_TTL_SECONDS: integer(600, 1),
  OTP_MAX_ATTEMPTS: integer(5, 1),
  OTP_RESEND_COOLDOWN_SECONDS: integer(60, 0),
  SESSION_TTL_SECONDS: integer(604800, 1),
  RATE_LIMIT_PER_MINUTE: integer(120, 0),
  WORKER_METRICS_PORT: integer(0, 0, 65535).transform((value) => (value === 0 ? undefined : value)),
  LOG_LEVEL: optionalString.transform((value) => value ?? 'info').pipe(z.enum(LOG_LEVELS)),
});

/** Log levels pino accepts through `LOG_LEVEL`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The typed configuration every process reads once at start. */
export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly temporal: {
    /** Existing frontend; undefined means "start the embedded dev server". */
    readonly address: string | undefined;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly devServerPort: number;
    readonly devUiPort: number;
  };
  readonly databaseUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly turnstile: { readonly secretKey: string | undefined; readonly verifyUrl: string };
  /** Set explicitly, or undefined until `resolveAuthSecret` supplies the dev secret. */
  readonly authSecret: string | undefined;
  readonly otp: { readonly ttlSeconds: number; readonly maxAttempts: number; readonly resendCooldownSeconds: number };
  readonly sessionTtlSeconds: number;
  readonly rateLimitPerMinute: number;
  readonly logLevel: LogLevel;
  /** Port of the worker's SDK metrics for Prometheus (`WORKER_METRICS_PORT`); undefined: not served. */
  readonly workerMetricsPort: number | undefined;
}

/**
 * Parses the environment into a typed {@link Config}.
 *
 * @param env - the variables to read (defaults to `process.env`)
 * @returns the configuration
 * @throws ConfigError naming the first variable whose value is refused
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'is invalid');
  }
  const e = result.data;
  const production = e.NODE_ENV === 'production';
  if (production && e.AUTH_SECRET === undefined) {
    throw new ConfigError('AUTH_SECRET', 'is required when NODE_ENV=production (at least 32 random characters)');
  }
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devServerPort: e.TEMPORAL_DEV_SERVER_PORT,
      devUiPort: e.TEMPORAL_DEV_UI_PORT,
    },
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    turnstile: { secretKey: e.TURNSTILE_SECRET_KEY, verifyUrl: e.TURNSTILE_VERIFY_URL },
    authSecret: e.AUTH_SECRET,
    otp: {
      ttlSeconds: e.OTP_TTL_SECONDS,
      maxAttempts: e.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: e.OTP_RESEND_COOLDOWN_SECONDS,
    },
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    workerMetricsPort: e.WORKER_METRICS_PORT,
  };
}
