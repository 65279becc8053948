import fc from 'fast-check';
import { needsBearer, type OperationRef, type Parameter } from './openapi.js';
import { nastyString, validValue, type SchemaContext } from './schema-arbitrary.js';
import { fuzzValue, invalidValue } from './schema-mutations.js';

/** One generated HTTP request, as sent through `app.inject`. */
export interface FuzzRequest {
  /** The operation it targets (`METHOD /path/{template}`). */
  readonly op: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
}

/** Generators plus the live session tokens to mix in. */
export interface RequestContext extends SchemaContext {
  /** Tokens of live sessions (an empty pool gives unknown tokens). */
  readonly liveTokens: readonly string[];
}

/** Path segments that trip routers, decoders and databases: NUL, traversal, bad escapes, 10 kB, SQL-ish. */
export const ODD_PATH_SEGMENTS = [
  '%00',
  '..%2f',
  '..%2F..%2Fhealthz',
  '%2e%2e',
  '%zz',
  '%',
  '%E9',
  '%ED%A0%80',
  '%C3%A9',
  '%F0%9F%92%A9',
  encodeURIComponent('用户'),
  "'%20OR%201=1--",
  '1;DROP%20TABLE%20approvals',
  'x'.repeat(10_240),
  '%20',
  'null',
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
] as const;

/** `Authorization` values that must all be refused: unknown, malformed, other schemes, huge. */
const BAD_AUTHORIZATION = fc.oneof(
  fc.base64String({ minLength: 44, maxLength: 44 }).map((s) => `Bearer ${s.replaceAll('+', '-').replaceAll('/', '_').slice(0, 43)}`),
  nastyString.map((s) => `Bearer ${s}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', '', 'Token abc', `Bearer ${'a'.repeat(10_000)}`),
);

function authorization(ctx: RequestContext, secured: boolean): fc.Arbitrary<string | undefined> {
  const live = ctx.liveTokens.length === 0 ? undefined : fc.constantFrom(...ctx.liveTokens);
  const options: fc.WeightedArbitrary<string | undefined>[] = [
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: BAD_AUTHORIZATION, weight: 2 },
  ];
  if (live !== undefined) {
    options.push({ arbitrary: live.map((token) => `Bearer ${token}`), weight: secured ? 12 : 1 });
    options.push({ arbitrary: live.map((token) => `bearer   ${token}`), weight: 1 });
  }
  return fc.oneof(...options);
}

const LONE_SURROGATE = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/** Percent-encodes a path segment; a lone surrogate becomes its (invalid) 3-byte UTF-8 form, e.g. `%ED%A0%80`. */
export function encodeSegment(text: string): string {
  return text
    .split(LONE_SURROGATE)
    .map((part) => {
      if (!LONE_SURROGATE.test(part)) return encodeURIComponent(part);
      const unit = part.charCodeAt(0);
      return [0xed, 0xa0 | ((unit >> 6) & 0x1f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    })
    .join('');
}

function pathValue(param: Parameter, ctx: SchemaContext): fc.Arbitrary<string> {
  const schema = param.schema ?? { type: 'string' };
  const encode = (value: unknown): string => encodeSegment(typeof value === 'string' ? value : JSON.stringify(value));
  return fc.oneof(
    { arbitrary: validValue(schema, ctx, param.name).map(encode), weight: 6 },
    { arbitrary: invalidValue(schema, ctx).map(encode), weight: 1 },
    { arbitrary: fc.constantFrom(...ODD_PATH_SEGMENTS), weight: 2 },
  );
}

function queryPairs(name: string, value: unknown): [string, string][] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => queryPairs(name, item));
  if (typeof value === 'string') return [[name, value]];
  if (typeof value === 'number' || typeof value === 'boolean') return [[name, String(value)]];
  return [[name, JSON.stringify(value) ?? '']];
}

function queryString(params: readonly Parameter[], ctx: SchemaContext): fc.Arbitrary<string> {
  // Either every parameter valid, or one of them broken: a request with one defect says which defect is refused.
  const broken = params.length === 0 ? fc.constant(-1) : fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, { arbitrary: fc.nat(params.length - 1), weight: 2 });
  const values = (brokenIndex: number) =>
    params.map((param, index) => {
      const schema = param.schema ?? {};
      const raw = index === brokenIndex ? invalidValue(schema, ctx) : validValue(schema, ctx, param.name);
      const value = raw.map((v) => queryPairs(param.name, v));
      // fc.option leaves a value out once in `freq` draws: optional parameters half of the time.
      return param.required === true || index === brokenIndex ? value : fc.option(value, { nil: [] as [string, string][], freq: 2 });
    });
  const extra = fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.tuple(nastyString, nastyString), weight: 1 });
  return fc.tuple(broken.chain((index) => fc.tuple(...values(index))), extra).map(([pairs, unknown]) => {
    const search = new URLSearchParams([...pairs.flat(), ...(unknown === undefined ? [] : [unknown])]);
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  });
}

const JSON_TYPE = 'application/json';
const OTHER_TYPES = ['application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

/** A body for the operation: its schema's values (valid or broken), odd JSON, or none. */
function body(op: OperationRef, ctx: SchemaContext): fc.Arbitrary<{ payload?: string; contentType?: string }> {
  const schema = op.operation.requestBody?.content[JSON_TYPE]?.schema;
  const odd = fc.constantFrom('', '{', 'null', '[]', '"x"', '{"a":1,}', '\ufeff{}');
  const contentType = fc.oneof({ arbitrary: fc.constant(JSON_TYPE), weight: 12 }, { arbitrary: fc.constantFrom(...OTHER_TYPES), weight: 1 });
  const json = (value: fc.Arbitrary<unknown>) =>
    fc.record({ payload: value.map((v) => JSON.stringify(v) ?? ''), contentType });
  if (schema === undefined) {
    // Body-less operations: mostly nothing, sometimes a body anyway.
    return fc.oneof({ arbitrary: fc.constant({}), weight: 6 }, { arbitrary: json(fc.jsonValue({ maxDepth: 2 })), weight: 1 }, { arbitrary: fc.record({ payload: odd, contentType }), weight: 1 });
  }
  return fc.oneof(
    { arbitrary: json(fuzzValue(schema, ctx)), weight: 12 },
    { arbitrary: fc.record({ payload: odd, contentType }), weight: 1 },
    { arbitrary: fc.constant({}), weight: 1 },
  );
}

/**
 * Requests for one operation of the document: path parameters (valid, broken
 * or odd raw segments), query parameters (each present or not, valid or
 * broken, plus an unknown one), a body from the request schema (valid, one
 * defect, odd JSON, none) with mostly JSON and sometimes other content types,
 * and an `Authorization` header that is live, refused or absent.
 *
 * @param op - the operation
 * @param ctx - `$ref` resolution, hints and live tokens
 * @returns an arbitrary of requests
 */
export function requestArbitrary(op: OperationRef, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  const params = op.operation.parameters ?? [];
  const pathParams = params.filter((param) => param.in === 'path');
  const path = fc.tuple(...pathParams.map((param) => pathValue(param, ctx))).map((values) =>
    pathParams.reduce((url, param, index) => url.replace(`{${param.name}}`, values[index] ?? ''), op.path),
  );
  const query = queryString(params.filter((param) => param.in === 'query'), ctx);
  const accept = fc.option(fc.constantFrom('*/*', 'text/html', 'application/xml', JSON_TYPE), { nil: undefined });
  return fc
    .record({ path, query, auth: authorization(ctx, needsBearer(op.operation)), body: body(op, ctx), accept })
    .map(({ path: url, query: search, auth, body: { payload, contentType }, accept: acceptType }) => ({
      op: op.key,
      method: op.method.toUpperCase(),
      url: url + search,
      headers: {
        ...(auth === undefined ? {} : { authorization: auth }),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...(acceptType === undefined ? {} : { accept: acceptType }),
      },
      ...(payload === undefined ? {} : { payload }),
    }));
}
