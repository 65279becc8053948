import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from './build-test-app.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function routes(instance: App): void {
  instance.get('/test/ping', () => ({ pong: true }));
}

describe('rate limit', () => {
  it('answers 429 too_many_requests with Retry-After once an IP spends RATE_LIMIT_PER_MINUTE', async () => {
    app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' }, routes });
    for (let i = 0; i < 3; i += 1) {
      const ok = await app.inject({ method: 'GET', url: '/test/ping' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const res = await app.inject({ method: 'GET', url: '/test/ping' });
    expect(res.statusCode).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.json()).toEqual({
      error: { code: 'too_many_requests', message: `Too many requests; retry in ${retryAfter} s` },
    });
  });

  it('counts per client IP', async () => {
    app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' }, routes });
    expect((await app.inject({ method: 'GET', url: '/test/ping', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/test/ping', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/test/ping', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For (trust proxy is off)', async () => {
    app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' }, routes });
    const spoof = (ip: string) => ({ method: 'GET' as const, url: '/test/ping', headers: { 'x-forwarded-for': ip } });
    expect((await app.inject(spoof('1.1.1.1'))).statusCode).toBe(200);
    expect((await app.inject(spoof('2.2.2.2'))).statusCode).toBe(429);
  });

  it('never limits /healthz, /readyz or /metrics', async () => {
    app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' }, routes });
    for (let i = 0; i < 5; i += 1) {
      for (const url of ['/healthz', '/readyz', '/metrics']) {
        expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
      }
    }
  });

  it('is not registered at all with RATE_LIMIT_PER_MINUTE=0', async () => {
    app = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' }, routes });
    expect(app.hasDecorator('rateLimit')).toBe(false);
    for (let i = 0; i < 30; i += 1) {
      const res = await app.inject({ method: 'GET', url: '/test/ping' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});
