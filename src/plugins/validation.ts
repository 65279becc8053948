import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// ajv-formats is CommonJS with a default export; NodeNext sees the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const COMMON: Options = { useDefaults: true, removeAdditional: true, allErrors: false, addUsedSchema: false };

/**
 * Builds one Ajv instance with the standard formats.
 *
 * @param coerceTypes - Fastify's `'array'` for query strings, params and headers (text by nature); false for bodies
 * @returns the instance
 */
function makeAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ ...COMMON, coerceTypes });
  addFormats(ajv);
  return ajv;
}

/** A UTF-16 surrogate outside a pair (with the `u` flag a pair reads as one code point and does not match). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Tells what is wrong with one value of the validated data, if anything. */
type ValueCheck = (value: unknown) => string | undefined;

// PostgreSQL text and jsonb cannot hold NUL, and a lone surrogate is not Unicode text.
const storableText: ValueCheck = (value) =>
  typeof value === 'string' && (value.includes('\u0000') || LONE_SURROGATE.test(value))
    ? 'must not contain NUL characters or unpaired surrogates'
    : undefined;

// Ajv's coercion turns "1e999" into Infinity and then skips minimum/maximum (they only look at finite numbers).
const finiteNumber: ValueCheck = (value) => (typeof value === 'number' && !Number.isFinite(value) ? 'must be a finite number' : undefined);

function findProblem(value: unknown, path: string, check: ValueCheck): ErrorObject | undefined {
  const message = check(value);
  if (message !== undefined) return { instancePath: path, schemaPath: '#', keyword: 'value', params: {}, message };
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const problem = findProblem(key, `${path}/${key}`, check) ?? findProblem(item, `${path}/${key}`, check);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The compiled schema, then `check` on every value (and key) left after validation. */
function withValueCheck(validate: ValidateFunction, check: ValueCheck): ((data: unknown) => boolean) & { errors: ErrorObject[] | null } {
  const checked = Object.assign(
    (data: unknown): boolean => {
      if (!validate(data)) {
        checked.errors = validate.errors ?? null;
        return false;
      }
      const problem = findProblem(data, '', check);
      checked.errors = problem === undefined ? null : [problem];
      return problem === undefined;
    },
    { errors: null as ErrorObject[] | null },
  );
  return checked;
}

function validationPlugin(app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void {
  const bodies = makeAjv(false);
  const textParts = makeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? withValueCheck(bodies.compile(schema), storableText) : withValueCheck(textParts.compile(schema), finiteNumber),
  );
  done();
}

/**
 * Request validation as Fastify does it, except that JSON bodies are never
 * coerced: `{"code": 123456}` is a number, not the 6-digit string the contract
 * asks for, so it answers 400. Query strings, params and headers are text and
 * keep Fastify's coercion (`?pageSize=20` is a number), but a number that
 * coerces to Infinity (`?pageSize=1e999`) is refused. Strings in JSON bodies
 * may not hold NUL or unpaired surrogates (`"\u0000"`, `"\ud800"`): the
 * database cannot store them, so they answer 400 instead of failing later.
 */
export const validation = fp(validationPlugin, { name: 'validation', fastify: '5.x' });
