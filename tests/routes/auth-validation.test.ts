import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AuthServices } from '../../src/routes/auth/index.js';
import { buildTestApp, unusedAuth } from './build-test-app.js';

// Requests refused before any service is called: the services here reject every call,
// so a test passing through to them would fail with 500.
let app: App;
const revoked: string[] = [];
const sessionsSeen: string[] = [];
const auth: AuthServices = {
  ...unusedAuth,
  sessions: {
    authenticate: (token) => {
      sessionsSeen.push(token);
      return Promise.resolve(undefined);
    },
    revoke: (token) => {
      revoked.push(token);
      return Promise.resolve(true);
    },
  },
};

beforeAll(async () => {
  app = await buildTestApp({ auth });
});
afterAll(() => app.close());

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

describe('sign-in and verify input', () => {
  it.each(['not-an-email', '@example.com', 'alice@', 'a b@example.com', 'alice@@example.com', 'alice@exa mple.com', '', `${'a'.repeat(65)}@example.com`, 'alice@-example.com', '.alice@example.com'])(
    'refuses %j with 400 invalid_email',
    async (email) => {
      for (const url of ['/auth/sign-in', '/auth/verify']) {
        const res = await post(url, { email, code: '123456' });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ error: { code: 'invalid_email' } });
      }
    },
  );

  it.each([
    ['a missing email', { turnstileToken: 'x' }],
    ['a number as email', { email: 42 }],
    ['null as email', { email: null }],
  ])('refuses %s with 400 invalid_request', async (_name, body) => {
    const res = await post('/auth/sign-in', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it.each([['12345'], ['1234567'], ['abcdef'], ['12 456'], [123456], [null], [undefined], ['１２３４５６']])(
    'refuses the code %j with 400 invalid_request',
    async (code) => {
      const res = await post('/auth/verify', { email: 'alice@example.com', code });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    },
  );

  it('refuses malformed JSON and other content types with 400 invalid_request', async () => {
    const bad = await app.inject({ method: 'POST', url: '/auth/sign-in', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const form = await app.inject({ method: 'POST', url: '/auth/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a@b.c' });
    expect(form.statusCode).toBe(400);
  });
});

describe('bearer guard', () => {
  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a short token', 'Bearer abc'],
    ['a token with bad characters', `Bearer ${'*'.repeat(43)}`],
    ['an empty bearer', 'Bearer '],
  ])('answers %s with 401 unauthorized and WWW-Authenticate, without a lookup', async (_name, authorization) => {
    const before = sessionsSeen.length;
    const headers = authorization === undefined ? {} : { authorization };
    for (const [method, url] of [['GET', '/auth/me'], ['POST', '/auth/sign-out']] as const) {
      const res = await app.inject({ method, url, headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(sessionsSeen.length).toBe(before);
  });

  it('answers an unknown well-formed token with 401 after one lookup, and revokes nothing', async () => {
    const token = 'A'.repeat(43);
    const res = await app.inject({ method: 'POST', url: '/auth/sign-out', headers: { authorization: `bearer ${token}` } });
    expect(res.statusCode).toBe(401);
    expect(sessionsSeen).toContain(token);
    expect(revoked).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents every /auth route with its request, responses and error codes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown>; security?: unknown }>>;
    }>();
    expect(Object.keys(doc.paths['/auth/sign-in']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['202', '400', '403', '429', '503']));
    expect(Object.keys(doc.paths['/auth/verify']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '410', '503']));
    expect(doc.paths['/auth/sign-in']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/auth/verify']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/auth/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths['/auth/sign-out']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['204', '401']));
    const verify410 = JSON.stringify(doc.paths['/auth/verify']?.post?.responses['410']);
    for (const code of ['code_expired', 'too_many_attempts', 'no_active_code']) expect(verify410).toContain(code);
    expect(JSON.stringify(doc.paths['/auth/verify']?.post?.responses['401'])).toContain('attemptsRemaining');
  });
});
