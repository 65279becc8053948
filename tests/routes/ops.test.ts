import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from './build-test-app.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} without checking dependencies', async () => {
    app = await buildTestApp({ probes: { temporal: () => Promise.reject(new Error('down')) } });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('GET /readyz', () => {
  it('answers 200 with every check ok when both probes resolve', async () => {
    app = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', database: 'ok' } });
  });

  it('answers 503 unavailable naming the failed check when a probe rejects', async () => {
    app = await buildTestApp({ probes: { database: () => Promise.reject(new Error('ECONNREFUSED')) } });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: {
        code: 'unavailable',
        message: 'Not ready: database did not answer',
        checks: { temporal: 'ok', database: 'fail' },
      },
    });
  });

  it('answers 503 well within 5 s when a probe hangs, and runs probes in parallel', async () => {
    const hang = (): Promise<void> => new Promise<void>(() => undefined);
    app = await buildTestApp({ probes: { temporal: hang, database: hang } });
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'unavailable', checks: { temporal: 'fail', database: 'fail' } } });
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(3_500);
  });

  it('treats a probe that throws synchronously as a failed check', async () => {
    app = await buildTestApp({
      probes: {
        temporal: () => {
          throw new Error('boom');
        },
      },
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { checks: { temporal: 'fail', database: 'ok' } } });
  });
});

describe('common response headers', () => {
  it('sets security headers and a deny-all CSP on API responses', async () => {
    app = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('gives every response a request id, never taken from the client', async () => {
    app = await buildTestApp();
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'spoofed' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
