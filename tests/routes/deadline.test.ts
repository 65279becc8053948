import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { REQUEST_DEADLINE_MS } from '../../src/plugins/request-deadline.js';
import { buildTestApp } from './build-test-app.js';

let app: App;
beforeAll(async () => {
  app = await buildTestApp({
    routes: (instance) => {
      instance.get('/test/late', async () => {
        await sleep(REQUEST_DEADLINE_MS + 300);
        return { late: true };
      });
    },
  });
});
afterAll(async () => {
  await app.close();
});

describe('request deadline', () => {
  it('answers a request still running at the deadline with 503 before 5 s, then ignores the late result', async () => {
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/test/late' });
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: { code: 'unavailable', message: 'The request took too long. Please try again shortly.' },
    });
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(5_000);
    await sleep(400);
    const next = await app.inject({ method: 'GET', url: '/healthz' });
    expect(next.statusCode).toBe(200);
  });
});
