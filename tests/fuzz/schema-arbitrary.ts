import fc from 'fast-check';
import type { JsonSchema } from './openapi.js';

/**
 * Realistic values by property or parameter name (`email`, `approvers`, `id`,
 * ...), mixed in with what the schema alone would give: a schema says "string",
 * the running service needs addresses and ids it knows to go past validation.
 */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

/** What the generators need besides a schema. */
export interface SchemaContext {
  /** Resolves `$ref`s against the document. */
  readonly deref: (schema: JsonSchema) => JsonSchema;
  readonly hints: Hints;
}

/** Strings that have broken services before: NUL, lone surrogates, bidi overrides, combining marks, injections. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e\u202d',
  '\u200b',
  '\ufeff',
  'e\u0301',
  '\u00e9',
  '💩',
  '👩‍👩‍👧‍👦',
  '用户',
  "' OR 1=1 --",
  '"; DROP TABLE approvals; --',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '%00',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  '__proto__',
  'constructor',
  'null',
  'NaN',
] as const;

/** Any string, biased towards the troublesome ones. */
export const nastyString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom(...NASTY_STRINGS)), {
    maxLength: 4,
  })
  .map((parts) => parts.join(''));

/** Schema `type` as a list. */
export function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

/** Trims or pads a string to the schema's length bounds (JSON Schema counts code points). */
function fitLength(value: string, schema: JsonSchema): string {
  const points = [...value];
  const max = schema.maxLength ?? Infinity;
  const min = schema.minLength ?? 0;
  const fitted = points.slice(0, max);
  while (fitted.length < min) fitted.push('x');
  return fitted.join('');
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern)).map((s) => fitLength(s, schema));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
    default:
      break;
  }
  const lengths = [schema.minLength ?? 0, schema.maxLength].filter((n): n is number => n !== undefined);
  const boundary = fc.constantFrom(...lengths).chain((length) => fc.string({ minLength: length, maxLength: length }));
  return fc.oneof({ arbitrary: nastyString, weight: 4 }, { arbitrary: boundary, weight: 1 }).map((s) => fitLength(s, schema));
}

function validNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? Math.max(min, 0) + 1_000_000;
  const edges = [min, max, ...(typeof schema.default === 'number' ? [schema.default] : [])];
  const small = fc.integer({ min, max: Math.min(max, min + 5) });
  const any = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
  return fc.oneof(fc.constantFrom(...edges), small, any);
}

function validObject(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = validValue(property, ctx, name, depth + 1);
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
}

/**
 * Values the schema accepts (`minLength`/`maxLength`, `pattern`, formats,
 * `minimum`/`maximum` with their edges, `enum`/`const`, `anyOf`/`oneOf`, arrays
 * and objects with required and optional properties), mixed with the hint of
 * `name` when there is one.
 *
 * @param schema - a schema of the document
 * @param ctx - `$ref` resolution and hints
 * @param name - the property or parameter name, for hints
 * @param depth - nesting depth (objects deeper than 6 become `{}`)
 * @returns an arbitrary of valid values
 */
export function validValue(schema: JsonSchema, ctx: SchemaContext, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const fromSchema = validFromSchema(ctx.deref(schema), ctx, depth);
  const hint = name === undefined ? undefined : ctx.hints[name];
  return hint === undefined ? fromSchema : fc.oneof({ arbitrary: hint, weight: 4 }, { arbitrary: fromSchema, weight: 1 });
}

function validFromSchema(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((alt) => validValue(alt, ctx, undefined, depth)));
  if (schema.allOf !== undefined) return validFromSchema(Object.assign({}, ...schema.allOf.map(ctx.deref)) as JsonSchema, ctx, depth);
  const types = typesOf(schema);
  if (types.length === 0) return depth > 6 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => validOfType(type, schema, ctx, depth)));
}

function validOfType(type: string, schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return validNumber(schema, true);
    case 'number':
      return validNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items === undefined ? fc.jsonValue({ maxDepth: 1 }) : validValue(schema.items, ctx, undefined, depth + 1);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
      return schema.uniqueItems === true ? fc.uniqueArray(items, constraints) : fc.array(items, constraints);
    }
    case 'object':
      return depth > 6 ? fc.constant({}) : validObject(schema, ctx, depth);
    default:
      throw new Error(`schema type ${type} has no generator`);
  }
}
