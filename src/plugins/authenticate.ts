import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession } from '../db/sessions-repository.js';
import type { SessionService } from '../services/session-service.js';
import { AppError } from '../utils/app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's live session, set by {@link requireSession} on routes that need one. */
    auth: ActiveSession | null;
    /** The presented bearer token (for sign-out), set with {@link FastifyRequest.auth}. */
    bearerToken: string | null;
  }
}

/** Session tokens are 32 random bytes in base64url: 43 characters. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Extracts the token of an `Authorization: Bearer <token>` header.
 *
 * @param header - the header's value, if any
 * @returns the token, or undefined when absent or not a well-formed session token
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const token = match?.[1];
  return token !== undefined && TOKEN_FORMAT.test(token) ? token : undefined;
}

function unauthorized(reply: FastifyReply): AppError {
  void reply.header('www-authenticate', 'Bearer');
  return new AppError('unauthorized', 'A valid session token is required (Authorization: Bearer <token>)');
}

/**
 * Builds the `onRequest` hook of routes that need a session (it runs before the body is parsed, so anonymous callers learn nothing about the schema): a missing, malformed,
 * unknown, expired or revoked token answers `401 unauthorized` with
 * `WWW-Authenticate: Bearer`; otherwise `request.auth` holds the session.
 *
 * @param sessions - where sessions are looked up
 * @returns the hook
 */
export function requireSession(sessions: SessionService) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) throw unauthorized(reply);
    const active = await sessions.authenticate(token);
    if (active === undefined) throw unauthorized(reply);
    request.auth = active;
    request.bearerToken = token;
  };
}

/**
 * Reads the session a {@link requireSession} hook stored.
 *
 * @param request - the request of a guarded route
 * @returns the session and user
 */
export function sessionOf(request: FastifyRequest): ActiveSession {
  if (request.auth === null) throw new Error('route is missing the requireSession hook');
  return request.auth;
}
