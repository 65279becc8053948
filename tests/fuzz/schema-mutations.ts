import fc from 'fast-check';
import type { JsonSchema } from './openapi.js';
import { nastyString, typesOf, validValue, type SchemaContext } from './schema-arbitrary.js';

/** A value of each JSON type, to put where another type belongs. */
const OF_TYPE: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  string: fc.oneof(nastyString, fc.constantFrom('20', '1e3', 'true', '[]', '{}')),
  integer: fc.oneof(fc.integer(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53))),
  number: fc.constantFrom(1.5, -0.25, 1e308, -1e-308, 1e21),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
};

function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const types = typesOf(schema);
  if (types.length === 0) return undefined;
  // An integer is a valid number, and a non-integer number is a wrong integer.
  const accepted = new Set(types.flatMap((type) => (type === 'number' ? ['number', 'integer'] : [type])));
  const wrong = Object.keys(OF_TYPE).filter((type) => !accepted.has(type));
  return fc.oneof(...wrong.map((type) => OF_TYPE[type] as fc.Arbitrary<unknown>));
}

function badString(schema: JsonSchema): fc.Arbitrary<unknown>[] {
  const options: fc.Arbitrary<unknown>[] = [];
  const { maxLength, minLength, pattern, format } = schema;
  if (maxLength !== undefined) {
    options.push(fc.integer({ min: 1, max: 64 }).map((extra) => 'x'.repeat(maxLength + extra)));
    options.push(fc.constantFrom('é', '💩', 'a').map((char) => char.repeat(maxLength + 1)));
  }
  if (minLength !== undefined && minLength > 0) options.push(fc.constant('x'.repeat(minLength - 1)));
  if (pattern !== undefined) {
    const re = new RegExp(pattern);
    options.push(nastyString.filter((s) => !re.test(s)), fc.constantFrom('12345', '1234567', '12345a', '١٢٣٤٥٦', ' 123456', '123456\n'));
  }
  if (format !== undefined) options.push(nastyString);
  return options;
}

function badNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown>[] {
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(1e21, -1e21)];
  if (schema.minimum !== undefined) options.push(fc.constantFrom(schema.minimum - 1, schema.minimum - 1000));
  if (schema.maximum !== undefined) options.push(fc.constantFrom(schema.maximum + 1, schema.maximum * 10));
  if (integer) options.push(fc.constantFrom(1.5, (schema.minimum ?? 0) + 0.5));
  return options;
}

function badArray(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown>[] {
  const item = schema.items === undefined ? fc.jsonValue({ maxDepth: 1 }) : validValue(schema.items, ctx, undefined, depth + 1);
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.maxItems !== undefined) options.push(fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 3 }));
  if (schema.minItems !== undefined && schema.minItems > 0) options.push(fc.array(item, { maxLength: schema.minItems - 1 }));
  if (schema.items !== undefined) {
    const badItem = invalidValue(schema.items, ctx, depth + 1);
    options.push(fc.tuple(fc.array(item, { maxLength: 2 }), badItem).map(([items, bad]) => [...items, bad]));
  }
  options.push(item.map((value) => [value, value])); // duplicates
  return options;
}

function badObject(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown>[] {
  const base = validValue({ ...schema, type: 'object' }, ctx, undefined, depth) as fc.Arbitrary<Record<string, unknown>>;
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const options: fc.Arbitrary<unknown>[] = [
    // An extra property (including `__proto__`, which a JSON parser must not turn into a prototype).
    fc.tuple(base, fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom('__proto__', 'constructor')), fc.jsonValue({ maxDepth: 1 }))
      .map(([object, key, value]) => ({ ...object, [key]: value })),
  ];
  const required = (schema.required ?? []).filter((key) => key in properties);
  if (required.length > 0) {
    options.push(fc.tuple(base, fc.constantFrom(...required)).map(([object, key]) => omit(object, key)));
  }
  if (names.length > 0 && depth < 6) {
    const defect = fc.constantFrom(...names).chain((key) =>
      fc.oneof(invalidValue(properties[key] ?? {}, ctx, depth + 1), fc.constant(null)).map((value) => [key, value] as const),
    );
    options.push(fc.tuple(base, defect).map(([object, [key, value]]) => ({ ...object, [key]: value })));
  }
  return options;
}

function omit(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/**
 * Values the schema refuses or that sit just past its edges: a wrong JSON
 * type, `null`, strings one past `maxLength` (also in multi-byte characters)
 * or short of `minLength`, pattern and format violations, numbers past
 * `minimum`/`maximum` and non-integers, arrays past `maxItems`/`minItems`, bad
 * or duplicate items, objects missing a required property, with an extra
 * property, or with one property broken.
 *
 * @param schema - a schema of the document
 * @param ctx - `$ref` resolution and hints
 * @param depth - nesting depth
 * @returns an arbitrary of invalid (or edge) values
 */
export function invalidValue(schema: JsonSchema, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const resolved = ctx.deref(schema);
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null)];
  const wrong = wrongType(resolved);
  if (wrong !== undefined) options.push(wrong);
  if (resolved.enum !== undefined) {
    const known = resolved.enum;
    const upper = known.filter((v): v is string => typeof v === 'string').map((v) => v.toUpperCase());
    options.push(fc.oneof(nastyString, fc.constantFrom('', ...upper)).filter((v) => !known.includes(v)));
  }
  for (const type of typesOf(resolved)) {
    if (type === 'string') options.push(...badString(resolved));
    if (type === 'integer' || type === 'number') options.push(...badNumber(resolved, type === 'integer'));
    if (type === 'array') options.push(...badArray(resolved, ctx, depth));
    if (type === 'object') options.push(...badObject(resolved, ctx, depth));
  }
  return fc.oneof(...options);
}

/**
 * Mostly valid values, often with one defect: what a careless or hostile client sends.
 *
 * @param schema - a schema of the document
 * @param ctx - `$ref` resolution and hints
 * @param name - the property or parameter name, for hints
 * @returns valid values (weight 3) and invalid ones (weight 2)
 */
export function fuzzValue(schema: JsonSchema, ctx: SchemaContext, name?: string): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: validValue(schema, ctx, name), weight: 3 }, { arbitrary: invalidValue(schema, ctx), weight: 2 });
}
