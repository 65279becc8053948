import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { errorResponses } from '../../src/routes/schemas.js';
import { buildTestApp } from './build-test-app.js';

const EchoBody = Type.Object({
  email: Type.String({ format: 'email' }),
  count: Type.Integer({ minimum: 1 }),
  note: Type.Optional(Type.String({ maxLength: 100_000 })),
});

let app: App;
beforeAll(async () => {
  app = await buildTestApp({
    routes: (instance) => {
      instance.post(
        '/test/echo',
        { schema: { body: EchoBody, response: { 200: EchoBody, ...errorResponses(400, 413) } } },
        (request) => request.body,
      );
      instance.post('/test/no-body', (request) => ({ body: request.body ?? null }));
    },
  });
});
afterAll(async () => {
  await app.close();
});

const json = { 'content-type': 'application/json' };

describe('request errors', () => {
  it('answers an unknown route with 404 not_found in the contract body', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Route GET /nope not found' } });
  });

  it('answers a badly encoded URL with 400 invalid_request', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('answers malformed JSON with 400 invalid_request', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: json, payload: '{"email": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
  });

  it('answers a schema failure with 400 invalid_request naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'not-an-email', count: 1 } });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('body/email');
    expect(Object.keys(body.error)).toEqual(['code', 'message']);
  });

  it('names a missing required property', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'a@b.co' } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain("required property 'count'");
  });

  it('accepts a valid body', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { email: 'a@b.co', count: 2 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ email: 'a@b.co', count: 2 });
  });

  it('answers a body over 64 KiB with 413 payload_too_large', async () => {
    const payload = JSON.stringify({ email: 'a@b.co', count: 1, note: 'x'.repeat(65 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: json, payload });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'payload_too_large', message: 'Request body is larger than 64 KiB' } });
  });

  it('accepts a body just under 64 KiB', async () => {
    const payload = JSON.stringify({ email: 'a@b.co', count: 1, note: 'x'.repeat(60 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: json, payload });
    expect(res.statusCode).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
    'answers Content-Type %s with 400 invalid_request',
    async (type) => {
      const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': type }, payload: 'a=b' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'invalid_request', message: 'Unsupported Content-Type: send application/json' },
      });
    },
  );

  it('treats an empty JSON body as no body', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/no-body', headers: json, payload: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: null });
  });

  it('answers an empty JSON body on a route that needs one with 400 invalid_request', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: json, payload: ' ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('refuses prototype poisoning', async () => {
    const payload = '{"email":"a@b.co","count":1,"__proto__":{"admin":true}}';
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: json, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
