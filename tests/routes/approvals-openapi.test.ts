import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from './build-test-app.js';

type Operation = { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown>; security?: unknown };
let app: App;
let paths: Record<string, Record<string, Operation>>;
beforeAll(async () => {
  app = await buildTestApp();
  paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: typeof paths }>().paths;
});
afterAll(() => app.close());

const codesOf = (operation: Operation | undefined, status: string): string => JSON.stringify(operation?.responses[status] ?? null);

describe('OpenAPI document of the approval routes', () => {
  it.each([
    ['/approvals', 'post', ['201', '400', '401', '503']],
    ['/approvals', 'get', ['200', '400', '401']],
    ['/approvals/{id}', 'get', ['200', '401', '404']],
    ['/approvals/{id}/decision', 'post', ['200', '400', '401', '403', '404', '409']],
    ['/approvals/{id}/cancel', 'post', ['200', '401', '403', '404', '409']],
  ])('documents %s %s with bearer security and its statuses', (path, method, statuses) => {
    const operation = paths[path]?.[method];
    expect(operation?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(statuses));
  });

  it('lists the contract codes per status', () => {
    const decision = paths['/approvals/{id}/decision']?.post;
    expect(codesOf(decision, '403')).toContain('not_an_approver');
    expect(codesOf(decision, '409')).toContain('already_decided');
    expect(codesOf(decision, '409')).toContain('not_pending');
    expect(codesOf(paths['/approvals/{id}/cancel']?.post, '403')).toContain('forbidden');
    expect(codesOf(paths['/approvals']?.post, '201')).toContain('requiredApprovals');
    const listParameters = (paths['/approvals']?.get?.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    expect(listParameters).toEqual(expect.arrayContaining(['query:role', 'query:status', 'query:pageSize', 'query:pageToken']));
    expect(paths['/approvals']?.post?.requestBody).toBeDefined();
  });

  it('refuses every approval route without a session, before any service runs', async () => {
    for (const [method, url] of [['POST', '/approvals'], ['GET', '/approvals'], ['GET', '/approvals/x'], ['POST', '/approvals/x/decision'], ['POST', '/approvals/x/cancel']] as const) {
      const res = await app.inject({ method, url, payload: {} });
      expect([url, res.statusCode]).toEqual([url, 401]);
    }
  });
});
