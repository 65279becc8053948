import { Type, type TObject, type TProperties, type TString, type TUnsafe } from '@sinclair/typebox';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../shared/error-codes.js';

/** An HTTP status some contract error code answers with. */
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** A code, or a status standing for every code that answers with it. */
export type ErrorSpec = ErrorCode | ErrorStatus;

type StatusOf<S> = S extends ErrorCode ? (typeof ERROR_STATUS)[S] : S;

/** The TypeBox type of an error body whose `error` object has properties `P` besides code and message. */
export type TErrorBody<P extends TProperties = TProperties> = TObject<{
  error: TObject<{ code: TUnsafe<ErrorCode>; message: TString } & P>;
}>;

/** Security requirement of routes that need `Authorization: Bearer <token>`. */
export const BEARER_SECURITY = [{ bearerAuth: [] }] as const;

/**
 * Schema of an error body limited to some codes, with optional documented extra
 * fields inside `error` (make them `Type.Optional` unless always present: the
 * serializer refuses a body missing a required field). Other extra fields are
 * still allowed through.
 *
 * @param codes - the codes this response can carry
 * @param extra - extra properties of `error`, e.g. `{ attemptsRemaining: Type.Integer() }`
 * @returns `{"error": {"code", "message", ...extra}}` as a TypeBox schema
 */
export function errorSchema<P extends TProperties = Record<never, never>>(
  codes: readonly ErrorCode[],
  extra?: P,
): TErrorBody<P> {
  const error = Type.Object(
    {
      code: Type.Unsafe<ErrorCode>({ type: 'string', enum: [...codes], description: 'Machine-readable error code' }),
      message: Type.String({ description: 'Text for a person' }),
      ...(extra ?? ({} as P)),
    },
    { additionalProperties: true },
  );
  return Type.Object({ error }, { description: `Error: ${codes.join(', ')}` });
}

/** The contract's error body with any code: `{"error": {"code", "message", ...extra}}`. */
export const ErrorBody = errorSchema(ERROR_CODES);

/**
 * Builds the error part of a route's `response` schema, one entry per status,
 * so every route documents the codes it can answer with. A status stands for all
 * codes answering with it; a code for itself.
 *
 * @example `response: { 200: Approval, ...errorResponses(400, 'unauthorized', 404, 429, 503) }`
 * @param specs - codes and/or statuses
 * @returns a map status -> error body schema listing its codes
 */
export function errorResponses<const S extends readonly ErrorSpec[]>(
  ...specs: S
): { [K in StatusOf<S[number]>]: TErrorBody } {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const spec of specs) {
    const codes = typeof spec === 'number' ? ERROR_CODES.filter((code) => ERROR_STATUS[code] === spec) : [spec];
    const status = typeof spec === 'number' ? spec : ERROR_STATUS[spec];
    const set = byStatus.get(status) ?? new Set<ErrorCode>();
    codes.forEach((code) => set.add(code));
    byStatus.set(status, set);
  }
  const responses: Record<number, TErrorBody> = {};
  for (const [status, codes] of byStatus) responses[status] = errorSchema([...codes]);
  return responses;
}
