/** The parts of an OpenAPI 3.1 document the fuzz suite reads (JSON Schema 2020-12 dialect). */

/** A JSON Schema as the document carries it (only the keywords the generators understand are typed). */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: unknown;
}

/** An operation parameter. */
export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

/** A media type entry (`content["application/json"]`). */
export interface MediaType {
  readonly schema?: JsonSchema;
}

/** A documented response. */
export interface ResponseObject {
  readonly description?: string;
  readonly content?: Readonly<Record<string, MediaType>>;
}

/** An operation (one method of one path). */
export interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content: Readonly<Record<string, MediaType>> };
  readonly responses: Readonly<Record<string, ResponseObject>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}

/** The document. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

/** One operation with its address in the document. */
export interface OperationRef {
  /** Path template, e.g. `/approvals/{id}`. */
  readonly path: string;
  /** Lower-case method, as the document keys it. */
  readonly method: string;
  /** `METHOD /path`, e.g. `POST /approvals/{id}/decision`. */
  readonly key: string;
  readonly operation: Operation;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Every operation of the document, in document order.
 *
 * @param doc - the document
 * @returns one entry per path and method
 */
export function operationsOf(doc: OpenApiDocument): OperationRef[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => {
    // Path-item parameters apply to every operation that does not redeclare them; every `{name}` is a path parameter.
    const shared = (item as { parameters?: readonly Parameter[] }).parameters ?? [];
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']): Parameter => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    return Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, declared]) => {
        const parameters = [...(declared.parameters ?? [])];
        for (const extra of [...shared, ...templated]) {
          if (!parameters.some((p) => p.name === extra.name && p.in === extra.in)) parameters.push(extra);
        }
        return { path, method, key: `${method.toUpperCase()} ${path}`, operation: { ...declared, parameters } };
      });
  });
}

/**
 * Follows local `$ref`s (`#/components/schemas/X`, or any JSON pointer into the document).
 *
 * @param doc - the document
 * @param schema - a schema that may be a reference
 * @returns the schema it stands for
 */
export function deref(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined; hops += 1) {
    if (hops > 20 || !current.$ref.startsWith('#/')) throw new Error(`cannot resolve $ref ${current.$ref}`);
    let node: unknown = doc;
    for (const part of current.$ref.slice(2).split('/')) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (typeof node !== 'object' || node === null) throw new Error(`dangling $ref ${current.$ref}`);
    current = node;
  }
  return current;
}

/**
 * The JSON pointer (as a URI fragment) of a location in the document.
 *
 * @param parts - the keys from the root
 * @returns e.g. `/paths/~1approvals~1%7Bid%7D/get`
 */
export function pointerOf(parts: readonly string[]): string {
  return parts.map((part) => '/' + encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1'))).join('');
}

/**
 * Whether the operation asks for `Authorization: Bearer` (any scheme named in its security).
 *
 * @param operation - the operation
 * @returns true when it has a security requirement
 */
export function needsBearer(operation: Operation): boolean {
  return (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
}
