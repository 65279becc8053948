import { Ajv, type Options } from 'ajv';
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

function validationPlugin(app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void {
  const bodies = makeAjv(false);
  const textParts = makeAjv('array');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : textParts).compile(schema));
  done();
}

/**
 * Request validation as Fastify does it, except that JSON bodies are never
 * coerced: `{"code": 123456}` is a number, not the 6-digit string the contract
 * asks for, so it answers 400. Query strings, params and headers are text and
 * keep Fastify's coercion (`?pageSize=20` is a number).
 */
export const validation = fp(validationPlugin, { name: 'validation', fastify: '5.x' });
