import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzWorld } from './fuzz-world.js';
import { needsBearer } from './openapi.js';
import { Tally } from './tally.js';
import { bodyOperations, expectConforming, requestTo, sampleBody } from './targeted.js';

/**
 * Issue 6 part 3, targeted cases on the transport: content types, malformed
 * JSON, body sizes and header sizes, on every operation of `/openapi.json`
 * that takes a body (or every POST). Each answer is checked against the
 * document and the contract's error shape, and must be the expected 4xx.
 */
let world: FuzzWorld;
const tally = new Tally('targeted: content types, JSON, sizes, headers');
const THROWAWAY = 'fuzz-throwaway@example.test';
const KiB = 1024;

beforeAll(async () => {
  world = await FuzzWorld.start();
}, 240_000);
afterAll(async () => {
  console.log(tally.report());
  await world?.stop();
});

const postOperations = () => world.operations.filter((op) => op.method === 'post');
const validJson = (index: number, schema: Parameters<typeof sampleBody>[1]) => JSON.stringify(sampleBody(world, schema, 600 + index));

describe('content types', () => {
  const REFUSED: readonly [string, string][] = [
    ['text/plain', '{"email":"a@example.com"}'],
    ['text/plain; charset=utf-8', '{}'],
    ['application/x-www-form-urlencoded', 'email=a%40example.com&code=123456'],
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--xyz--\r\n'],
    ['application/xml', '<email>a@example.com</email>'],
    ['application/vnd.api+json', '{}'],
    ['application/jsonx', '{}'],
    ['application/json-patch+json', '[]'],
    ['image/png', '\u0089PNG'],
    [';;;', '{}'],
    [`application/${'x'.repeat(10 * KiB)}`, '{}'],
  ];

  it('refuses a body of any other media type with 400 invalid_request, on every POST operation', async () => {
    for (const op of postOperations()) {
      for (const [contentType, payload] of REFUSED) {
        const request = await requestTo(world, op, { headers: { 'content-type': contentType }, payload });
        await expectConforming(world, tally, request, { status: 400, code: 'invalid_request' });
      }
    }
  });

  it('refuses a body sent without any content type with 400 invalid_request', async () => {
    for (const op of postOperations()) {
      await expectConforming(world, tally, await requestTo(world, op, { payload: '{}' }), { status: 400, code: 'invalid_request' });
    }
  });

  it('takes JSON whatever the case and charset parameter of its media type', async () => {
    const variants = ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'APPLICATION/JSON', 'Application/Json; Charset="utf-8"'];
    for (const [index, { op, schema }] of bodyOperations(world).entries()) {
      for (const contentType of variants) {
        // A fresh session: an accepted body-less POST may be a sign-out, which ends the session it carries.
        const token = needsBearer(op.operation) ? await world.newSession(THROWAWAY) : undefined;
        const request = await requestTo(world, op, { headers: { 'content-type': contentType }, payload: validJson(index, schema), token });
        const exchange = await expectConforming(world, tally, request);
        const message = exchange.response.status === 400 ? exchange.response.body : '';
        expect(message, `${op.key} with ${contentType}`).not.toMatch(/Content-Type|not valid JSON|body is empty/);
      }
    }
  });
});

describe('malformed JSON', () => {
  const MALFORMED = ['{', '{"email": ', '[', 'nul', '{"a":1,}', "{'a':1}", 'NaN', '{"a":1}{"b":2}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":1', '\u0000', '}{'];
  const NOT_OBJECTS = ['null', '[]', '"text"', '123', 'true', '-0', '1e999', '[{}]'];
  const PROTOTYPE = ['{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}'];
  const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);

  it('answers 400 invalid_request to unparsable, non-object, prototype-polluting and deeply nested bodies', async () => {
    for (const { op } of bodyOperations(world)) {
      for (const payload of [...MALFORMED, ...NOT_OBJECTS, ...PROTOTYPE, DEEP]) {
        const request = await requestTo(world, op, { headers: { 'content-type': 'application/json' }, payload });
        await expectConforming(world, tally, request, { status: 400, code: 'invalid_request' });
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 400 invalid_request to an empty JSON body where a body is required', async () => {
    for (const { op } of bodyOperations(world)) {
      for (const payload of ['', '   ', '\n']) {
        const request = await requestTo(world, op, { headers: { 'content-type': 'application/json' }, payload });
        await expectConforming(world, tally, request, { status: 400, code: 'invalid_request' });
      }
    }
  });
});

describe('body size', () => {
  // `{"padding":""}` is 14 bytes: the JSON text is exactly `bytes` long.
  const padded = (bytes: number) => JSON.stringify({ padding: 'x'.repeat(bytes - 14) });

  it('answers 413 payload_too_large to a body over 64 KiB on every POST operation', async () => {
    for (const op of postOperations()) {
      for (const bytes of [64 * KiB + 1, 65 * KiB, 1024 * KiB]) {
        const request = await requestTo(world, op, { headers: { 'content-type': 'application/json' }, payload: padded(bytes) });
        await expectConforming(world, tally, request, { status: 413, code: 'payload_too_large' });
      }
    }
  });

  it('reads a body just under 64 KiB (and answers on its content, not its size)', async () => {
    for (const [index, { op, schema }] of bodyOperations(world).entries()) {
      const text = validJson(index, schema);
      // The body plus an unknown `padding` property (dropped by validation), 64 KiB in all.
      const payload = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"padding":"${'x'.repeat(64 * KiB - Buffer.byteLength(text) - 13)}"}`;
      expect(Buffer.byteLength(payload)).toBe(64 * KiB);
      const request = await requestTo(world, op, { headers: { 'content-type': 'application/json' }, payload, token: await world.newSession(THROWAWAY) });
      const exchange = await expectConforming(world, tally, request);
      expect(exchange.response.status, op.key).not.toBe(413);
    }
  });

  it('asks for a session before reading a large body on operations that need one', async () => {
    for (const op of postOperations().filter((candidate) => needsBearer(candidate.operation))) {
      const request = await requestTo(world, op, { headers: { 'content-type': 'application/json' }, payload: padded(1024 * KiB), token: null });
      await expectConforming(world, tally, request, { status: 401, code: 'unauthorized' });
    }
  });
});

describe('header size', () => {
  it('refuses a 100 kB Authorization header with 401 and ignores huge unknown headers', async () => {
    for (const op of world.operations.filter((candidate) => needsBearer(candidate.operation))) {
      const request = await requestTo(world, op, { headers: { authorization: `Bearer ${'a'.repeat(100 * KiB)}` }, token: null });
      await expectConforming(world, tally, request, { status: 401, code: 'unauthorized' });
    }
    const healthz = world.op('GET /healthz');
    const filler = { 'x-filler': 'y'.repeat(1024 * KiB), accept: `text/${'z'.repeat(10 * KiB)}`, 'user-agent': '\u00e9'.repeat(10 * KiB) };
    await expectConforming(world, tally, await requestTo(world, healthz, { headers: filler }), { status: 200 });
  });

  // Node refuses headers over 16 KiB before Fastify routes the request; src/plugins/client-errors.ts
  // answers them with the contract's error body (Fastify's default body has another shape).
  it('answers headers over the HTTP server limit with the contract error body (real socket)', async () => {
    await world.stack.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = world.stack.app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', headers: { 'x-filler': 'y'.repeat(32 * KiB) } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.type).toContain('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: expect.stringMatching(/^[a-z_]+$/) as unknown, message: expect.any(String) as unknown } });
    expect(Object.keys(JSON.parse(answer.body) as object)).toEqual(['error']);
    expect(answer.status).toBe(431);
  });
});
