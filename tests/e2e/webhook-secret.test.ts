import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { webhookSigningSecret } from '../../src/utils/webhook-signature.js';

describe('npm run webhook-secret', () => {
  it('prints the signing secret receivers verify approval webhooks with, derived from AUTH_SECRET', () => {
    const authSecret = 'an-auth-secret-of-at-least-thirty-two-characters';
    const result = spawnSync('npm', ['run', '--silent', 'webhook-secret'], { env: { ...process.env, AUTH_SECRET: authSecret }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(webhookSigningSecret(authSecret));
    expect(result.stdout.trim()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses a bad configuration with the one-line message', () => {
    const result = spawnSync('npm', ['run', '--silent', 'webhook-secret'], { env: { ...process.env, AUTH_SECRET: 'short' }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: AUTH_SECRET must be at least 32 characters');
  });
});
