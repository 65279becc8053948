import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives the contract defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      temporal: { address: undefined, namespace: 'default', taskQueue: 'backend', devServerPort: 7233, devUiPort: 8233 },
      databaseUrl: undefined,
      smtpUrl: undefined,
      mailFrom: 'no-reply@localhost',
      turnstile: { secretKey: undefined, verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify' },
      authSecret: undefined,
      otp: { ttlSeconds: 600, maxAttempts: 5, resendCooldownSeconds: 60 },
      sessionTtlSeconds: 604800,
      rateLimitPerMinute: 120,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TASK_QUEUE: 'q',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      SMTP_URL: 'smtp://user:pass@mail:587',
      MAIL_FROM: 'auth@example.com',
      TURNSTILE_SECRET_KEY: 'secret',
      TURNSTILE_VERIFY_URL: 'http://127.0.0.1:9999/siteverify',
      AUTH_SECRET: 'x'.repeat(32),
      OTP_TTL_SECONDS: '2',
      OTP_MAX_ATTEMPTS: '1',
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      SESSION_TTL_SECONDS: '2',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/app');
    expect(config.otp).toEqual({ ttlSeconds: 2, maxAttempts: 1, resendCooldownSeconds: 0 });
    expect(config.sessionTtlSeconds).toBe(2);
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.logLevel).toBe('debug');
    expect(config.turnstile.secretKey).toBe('secret');
  });

  it('serves worker metrics only when WORKER_METRICS_PORT is set', () => {
    expect(loadConfig({}).workerMetricsPort).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '9464' }).workerMetricsPort).toBe(9464);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', TEMPORAL_ADDRESS: ' ' }).port).toBe(3000);
    expect(loadConfig({ TEMPORAL_ADDRESS: ' ' }).temporal.address).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['OTP_TTL_SECONDS', '0', /OTP_TTL_SECONDS must be >= 1/],
    ['OTP_MAX_ATTEMPTS', '1.5', /OTP_MAX_ATTEMPTS must be a whole number/],
    ['RATE_LIMIT_PER_MINUTE', '-1', /RATE_LIMIT_PER_MINUTE must be >= 0/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must use one of postgres:, postgresql:/],
    ['SMTP_URL', 'not a url', /SMTP_URL must be a valid URL/],
    ['MAIL_FROM', 'nobody', /MAIL_FROM must be an email address/],
    ['AUTH_SECRET', 'short', /AUTH_SECRET must be at least 32 characters/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['WORKER_METRICS_PORT', '99999', /WORKER_METRICS_PORT must be between 0 and 65535/],
  ])('refuses %s=%s with one line naming the variable', (variable, value, message) => {
    const attempt = () => loadConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('requires AUTH_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET is required/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'y'.repeat(40) }).production).toBe(true);
  });
});
