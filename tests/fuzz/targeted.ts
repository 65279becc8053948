import fc from 'fast-check';
import { expect } from 'vitest';
import { REQUESTER, type FuzzWorld } from './fuzz-world.js';
import { needsBearer, type JsonSchema, type OperationRef } from './openapi.js';
import type { FuzzRequest } from './request-arbitrary.js';
import { typesOf, validValue } from './schema-arbitrary.js';
import { describeRequest, type Exchange, type Tally } from './tally.js';

/** What a targeted case must answer: one status (or any of several) and, for errors, the code. */
export interface Expected {
  readonly status: number | readonly number[];
  readonly code?: string | readonly string[];
}

/**
 * The error code of a response, if it is an error body.
 *
 * @param exchange - a request and its response
 * @returns `error.code`, or undefined
 */
export function errorCodeOf(exchange: Exchange): string | undefined {
  try {
    return (JSON.parse(exchange.response.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/**
 * Sends a request and asserts it conforms: documented status and body, the
 * contract's error shape, no 5xx, and the expected status and code when given.
 *
 * @param world - the stack and its checker
 * @param tally - where the exchange is counted
 * @param request - the request
 * @param expected - status and code to insist on
 * @returns the exchange
 */
export async function expectConforming(world: FuzzWorld, tally: Tally, request: FuzzRequest, expected?: Expected): Promise<Exchange> {
  const exchange = await world.send(request, tally);
  const what = `${describeRequest(request)} -> ${exchange.response.status} ${exchange.response.body.slice(0, 300)}`;
  expect.soft(exchange.problems, what).toEqual([]);
  expect.soft(exchange.response.status, what).toBeLessThan(500);
  if (expected !== undefined) {
    const statuses = typeof expected.status === 'number' ? [expected.status] : expected.status;
    expect.soft(statuses, what).toContain(exchange.response.status);
    const codes = typeof expected.code === 'string' ? [expected.code] : expected.code;
    if (codes !== undefined) expect.soft(codes, what).toContain(errorCodeOf(exchange));
  }
  return exchange;
}

/** Operations of the document that take a JSON body, with that body's schema. */
export function bodyOperations(world: FuzzWorld): { op: OperationRef; schema: JsonSchema }[] {
  return world.operations.flatMap((op) => {
    const schema = op.operation.requestBody?.content['application/json']?.schema;
    return schema === undefined ? [] : [{ op, schema: world.context().deref(schema) }];
  });
}

/**
 * A schema-valid body for an operation (from the document, with the world's hints), fixed by the seed.
 *
 * @param world - for hints and `$ref`s
 * @param schema - the body schema
 * @param seed - fast-check seed
 * @returns a body the schema accepts
 */
export function sampleBody(world: FuzzWorld, schema: JsonSchema, seed: number): Record<string, unknown> {
  const [body] = fc.sample(validValue(schema, world.context()), { seed, numRuns: 1 });
  return body as Record<string, unknown>;
}

/**
 * A request to an operation, path parameters filled with `id` (default: an unknown UUID), with the
 * requester's live token when the operation needs one (or `token`; `null` for none).
 *
 * @param world - for the token
 * @param op - the operation
 * @param init - headers, body text, path parameter value
 * @returns the request
 */
export async function requestTo(
  world: FuzzWorld,
  op: OperationRef,
  init: { headers?: Record<string, string>; payload?: string; id?: string; token?: string | null } = {},
): Promise<FuzzRequest> {
  // `token: null` sends none; by default the requester's session when the operation needs one.
  const token = init.token === null || !needsBearer(op.operation) ? undefined : (init.token ?? (await world.tokenOf(REQUESTER)));
  return {
    op: op.key,
    method: op.method.toUpperCase(),
    url: op.path.replace(/\{[^}]+\}/g, init.id ?? '00000000-0000-4000-8000-000000000000'),
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...init.headers },
    ...(init.payload === undefined ? {} : { payload: init.payload }),
  };
}

/** Where a string goes in a body: a property, or the item of an array property. */
export interface Slot {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly wrap: (value: string) => unknown;
}

/** Top-level string properties of a body schema, and string items of its array properties. */
export function stringSlots(schema: JsonSchema): Slot[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]): Slot[] => {
    if (typesOf(property).includes('string')) return [{ name, schema: property, wrap: (value: string) => value }];
    const items = property.items;
    if (typesOf(property).includes('array') && items !== undefined && typesOf(items).includes('string')) {
      return [{ name, schema: items, wrap: (value: string) => [value] }];
    }
    return [];
  });
}
