import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from './build-test-app.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

let app: App;
beforeAll(async () => {
  app = await buildTestApp({
    routes: (instance) => {
      instance.get<{ Params: { id: string } }>('/test/items/:id', (request) => ({ id: request.params.id }));
    },
  });
});
afterAll(async () => {
  await app.close();
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1.0 document listing the ops routes with their responses', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApiDoc>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('0.1.0');
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown,
    });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    expect(Object.keys(doc.paths['/readyz']?.get?.responses ?? {})).toEqual(['200', '503']);
    expect(JSON.stringify(doc.paths['/readyz'])).toContain('"unavailable"');
    expect(doc.paths['/openapi.json']).toBeUndefined();
    expect(Object.keys(doc.paths).some((path) => path.startsWith('/docs'))).toBe(false);
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI from the package with a CSP that allows only our origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const assets = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    expect(assets.every((asset) => asset.startsWith('/docs/static/'))).toBe(true);
    for (const asset of assets) {
      const file = await app.inject({ method: 'GET', url: asset });
      expect(file.statusCode, asset).toBe(200);
      expect(file.body.length, asset).toBeGreaterThan(0);
    }
  });

  it('gives Swagger UI the spec it renders', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json<OpenApiDoc>().openapi).toBe('3.1.0');
  });
});

describe('GET /metrics', () => {
  it('exposes default metrics and the request histogram labelled by route pattern', async () => {
    await app.inject({ method: 'GET', url: '/test/items/42' });
    await app.inject({ method: 'GET', url: '/no/such/route' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/test\/items\/:id",status_code="200"\} 1/,
    );
    expect(res.body).toContain('route="(unmatched)",status_code="404"');
    expect(res.body).not.toContain('/test/items/42');
    expect(res.body).not.toContain('/no/such/route');
  });

  it('keeps a registry per app', async () => {
    const other = await buildTestApp();
    try {
      const res = await other.inject({ method: 'GET', url: '/metrics' });
      expect(res.body).not.toContain('/test/items/:id');
    } finally {
      await other.close();
    }
  });
});
