import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ERROR_STATUS } from '../../src/shared/error-codes.js';
import { pointerOf, type OpenApiDocument, type OperationRef, type ResponseObject } from './openapi.js';

// ajv-formats is CommonJS with a default export; NodeNext sees the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Where the document is registered in Ajv, so `$ref`s into `#/components/...` resolve against it. */
const DOC_ID = 'https://fuzz.invalid/openapi.json';

/** A response as the fuzz suite saw it. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

/** The contract's error body (CONTRACT.md section 3), independent of what the document says. */
const CONTRACT_ERROR_BODY = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', pattern: '^[a-z]+(_[a-z]+)*$' }, message: { type: 'string', minLength: 1 } },
    },
  },
} as const;

const essence = (mediaType: string): string => (mediaType.split(';')[0] ?? '').trim().toLowerCase();
const isJson = (mediaType: string): boolean => mediaType === 'application/json' || mediaType.endsWith('+json');

/**
 * Checks responses against the OpenAPI document (status documented for the
 * operation, media type documented, body valid against the documented schema)
 * and against the contract (every 4xx/5xx body is `{"error": {"code", "message"}}`
 * with a snake_case code that answers with that status; 429 carries `Retry-After`).
 * The document is OpenAPI 3.1, whose schemas are JSON Schema 2020-12: Ajv2020.
 */
export class ResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly contractError: ValidateFunction;

  /** @param doc - the document served by the app under test */
  constructor(doc: OpenApiDocument) {
    // strictSchema off: the document's own keys (openapi, paths, responses...) are not schema keywords.
    this.ajv = new Ajv2020({ strictSchema: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    this.contractError = this.ajv.compile(CONTRACT_ERROR_BODY);
  }

  /**
   * Everything wrong with one response of one operation.
   *
   * @param op - the operation the request was sent to
   * @param res - the response
   * @returns one line per problem; empty when the response conforms
   */
  problems(op: OperationRef, res: ObservedResponse): string[] {
    const problems: string[] = [];
    const documented = this.documented(op, res.status);
    let parsed: unknown = res.body;
    const contentType = essence(String(res.headers['content-type'] ?? ''));
    if (documented === undefined) {
      problems.push(`status ${res.status} is not documented for ${op.key}`);
    } else {
      const { response, statusKey } = documented;
      const media = Object.keys(response.content ?? {});
      if (media.length === 0) {
        if (res.body !== '') problems.push(`${res.status} is documented without a body but one was sent`);
      } else if (!media.some((m) => essence(m) === contentType || m === '*/*')) {
        problems.push(`content-type "${contentType}" is not among ${media.join(', ')}`);
      } else {
        const mediaKey = media.find((m) => essence(m) === contentType) ?? '*/*';
        parsed = this.parse(res.body, contentType, problems);
        const validate = this.validator(['paths', op.path, op.method, 'responses', statusKey, 'content', mediaKey, 'schema']);
        if (!validate(parsed)) {
          problems.push(`body does not match the documented ${statusKey} schema: ${this.ajv.errorsText(validate.errors)}`);
        }
      }
    }
    if (res.status >= 400) problems.push(...this.errorShapeProblems(res, contentType, parsed));
    return problems;
  }

  private errorShapeProblems(res: ObservedResponse, contentType: string, parsed: unknown): string[] {
    if (contentType !== 'application/json') return [`error content-type is "${contentType}", not application/json`];
    const body = typeof parsed === 'string' ? this.parse(parsed, contentType, []) : parsed;
    if (!this.contractError(body)) return [`error body breaks the contract shape: ${this.ajv.errorsText(this.contractError.errors)}`];
    const problems: string[] = [];
    const code = (body as { error: { code: string } }).error.code;
    const expected = (ERROR_STATUS as Readonly<Record<string, number>>)[code];
    if (expected !== res.status) problems.push(`error code ${code} answers ${expected ?? 'no status'} in the contract, not ${res.status}`);
    if (res.status === 429 && res.headers['retry-after'] === undefined) problems.push('429 without Retry-After');
    return problems;
  }

  private documented(op: OperationRef, status: number): { response: ResponseObject; statusKey: string } | undefined {
    const responses = op.operation.responses;
    for (const statusKey of [String(status), `${String(status)[0] ?? ''}XX`, 'default']) {
      const response = responses[statusKey];
      if (response !== undefined) return { response, statusKey };
    }
    return undefined;
  }

  private parse(body: string, contentType: string, problems: string[]): unknown {
    if (!isJson(contentType)) return body;
    try {
      return JSON.parse(body) as unknown;
    } catch {
      problems.push('body is not valid JSON although the content-type says so');
      return undefined;
    }
  }

  private validator(parts: readonly string[]): ValidateFunction {
    const ref = `${DOC_ID}#${pointerOf(parts)}`;
    const cached = this.validators.get(ref);
    if (cached !== undefined) return cached;
    const validate = this.ajv.compile({ $ref: ref });
    this.validators.set(ref, validate);
    return validate;
  }
}
