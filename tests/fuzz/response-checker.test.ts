import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../routes/build-test-app.js';
import { deref, operationsOf, type OpenApiDocument } from './openapi.js';
import { encodeSegment, requestArbitrary } from './request-arbitrary.js';
import { ResponseChecker, type ObservedResponse } from './response-checker.js';
import { validValue } from './schema-arbitrary.js';
import { invalidValue } from './schema-mutations.js';

/** Negative controls for the fuzz suite's own machinery: the checker must catch what it claims to catch. */
const doc: OpenApiDocument = {
  openapi: '3.1.0',
  components: {
    schemas: {
      Thing: { type: 'object', required: ['id', 'at'], properties: { id: { type: 'string', format: 'uuid' }, at: { type: 'string', format: 'date-time' }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] } } },
    },
  },
  paths: {
    '/things/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 10 } }],
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '404': { content: { 'application/json': { schema: { type: 'object', required: ['error'] } } } },
        },
      },
      delete: { responses: { '204': { description: 'gone' } } },
    },
  },
};
const [get, del] = operationsOf(doc);
const json = { 'content-type': 'application/json; charset=utf-8' };
const res = (status: number, body: unknown, headers: ObservedResponse['headers'] = json): ObservedResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const thing = { id: '6f1c1f0e-8d3a-4b7e-9a51-1d2f3e4a5b6c', at: '2025-06-01T10:00:00.000Z', note: null };

describe('ResponseChecker', () => {
  const checker = new ResponseChecker(doc);
  if (get === undefined || del === undefined) throw new Error('operations missing');

  it('accepts a documented status whose body matches the schema behind a $ref', () => {
    expect(checker.problems(get, res(200, thing))).toEqual([]);
    expect(checker.problems(del, res(204, '', {}))).toEqual([]);
  });

  it('flags an undocumented status, a body off its schema or format, a wrong media type and a body on a 204', () => {
    expect(checker.problems(get, res(201, thing)).join()).toMatch(/status 201 is not documented/);
    expect(checker.problems(get, res(200, { ...thing, id: 'nope' })).join()).toMatch(/format "uuid"/);
    expect(checker.problems(get, res(200, { at: thing.at })).join()).toMatch(/required property 'id'/);
    expect(checker.problems(get, res(200, { ...thing, note: 3 })).join()).toMatch(/does not match/);
    expect(checker.problems(get, res(200, thing, { 'content-type': 'text/html' })).join()).toMatch(/content-type "text\/html"/);
    expect(checker.problems(get, res(200, '{not json')).join()).toMatch(/not valid JSON/);
    expect(checker.problems(del, res(204, 'x', {})).join()).toMatch(/without a body/);
  });

  it('holds every error to the contract shape, its code to its status, and 429 to Retry-After', () => {
    const error = { error: { code: 'not_found', message: 'No such thing' } };
    expect(checker.problems(get, res(404, error))).toEqual([]);
    expect(checker.problems(get, res(404, { error: { code: 'not_found' } })).join()).toMatch(/contract shape/);
    expect(checker.problems(get, res(404, { ...error, extra: 1 })).join()).toMatch(/contract shape/);
    expect(checker.problems(get, res(404, { error: { code: 'NotFound', message: 'x' } })).join()).toMatch(/contract shape/);
    expect(checker.problems(get, res(404, { error: { code: 'unauthorized', message: 'x' } })).join()).toMatch(/answers 401 in the contract/);
    expect(checker.problems(get, res(404, 'Not Found', { 'content-type': 'text/plain' })).join()).toMatch(/not application\/json/);
    expect(checker.problems(get, res(429, { error: { code: 'too_many_requests', message: 'x' } })).join()).toMatch(/Retry-After/);
    expect(checker.problems(get, res(500, { error: { code: 'internal_error', message: 'x' } })).join()).toMatch(/status 500 is not documented/);
  });
});

describe('generators', () => {
  const ctx = { deref: (schema: Parameters<typeof deref>[1]) => deref(doc, schema), hints: {} };

  it('make values the schema accepts, and values it refuses', () => {
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 10 }, n: { type: 'integer', minimum: 1, maximum: 5 } } } as const;
    const accepts = (value: unknown): boolean => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const v = value as { id?: unknown; n?: unknown };
      const okId = typeof v.id === 'string' && [...v.id].length <= 10;
      const okN = v.n === undefined || (Number.isInteger(v.n) && (v.n as number) >= 1 && (v.n as number) <= 5);
      return okId && okN;
    };
    for (const value of fc.sample(validValue(schema, ctx), { seed: 1, numRuns: 200 })) expect(accepts(value), JSON.stringify(value)).toBe(true);
    const refused = fc.sample(invalidValue(schema, ctx), { seed: 2, numRuns: 200 }).filter((value) => !accepts(value));
    // Extra properties are "invalid" only where additionalProperties is false: most, not all, are refused.
    expect(refused.length).toBeGreaterThan(150);
  });

  it('build requests for every operation, with path parameters filled and encoded', () => {
    for (const op of operationsOf(doc)) {
      const requests = fc.sample(requestArbitrary(op, { ...ctx, liveTokens: ['t'.repeat(43)] }), { seed: 3, numRuns: 100 });
      expect(requests.every((r) => r.op === op.key && !r.url.includes('{'))).toBe(true);
    }
    expect(encodeSegment('a/\ud800b💩')).toBe('a%2F%ED%A0%80b%F0%9F%92%A9');
  });
});

describe("the app's own document", () => {
  it('is OpenAPI 3.1 and every documented response schema compiles in the checker', async () => {
    const app = await buildTestApp();
    try {
      const served = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
      expect(served.openapi).toMatch(/^3\.1\./);
      const checker = new ResponseChecker(served);
      const ops = operationsOf(served);
      expect(ops.length).toBeGreaterThanOrEqual(12);
      // A wrong body for every documented status: compiling and failing proves each schema is reachable.
      for (const op of ops) {
        for (const status of Object.keys(op.operation.responses)) {
          const problems = checker.problems(op, res(Number(status), { unexpected: true }));
          expect(problems.length, `${op.key} ${status}`).toBeGreaterThan(0);
        }
      }
    } finally {
      await app.close();
    }
  });
});
