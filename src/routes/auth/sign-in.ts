import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { SignInService } from '../../services/sign-in-service.js';
import { isValidEmail, normaliseEmail } from '../../shared/email.js';
import { AppError } from '../../utils/app-error.js';
import { errorResponses } from '../schemas.js';
import { CodeSent, SignInBody } from './schemas.js';

/**
 * Normalises an email from a request body and refuses unusable ones.
 *
 * @param raw - the address as sent
 * @returns the normalised address
 * @throws AppError `invalid_email`
 */
export function requireEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (!isValidEmail(email)) throw new AppError('invalid_email', 'This is not a usable email address');
  return email;
}

/** `POST /auth/sign-in`: mails a 6-digit code; the same answer whether or not the email has an account. */
export const signInRoute: FastifyPluginCallbackTypebox<{ signIn: SignInService }> = (app, options, done) => {
  app.post(
    '/auth/sign-in',
    {
      schema: {
        summary: 'Request a sign-in code by email',
        description:
          'Emails a 6-digit code. New and existing emails get the same answer. A new code kills the previous one; ' +
          'while the resend cooldown runs the answer is 429 with Retry-After.',
        tags: ['auth'],
        body: SignInBody,
        response: { 202: CodeSent, ...errorResponses(400, 'captcha_failed', 413, 'too_many_requests', 500, 503) },
      },
    },
    async (request, reply) => {
      const email = requireEmail(request.body.email);
      const result = await options.signIn.requestCode({ email, turnstileToken: request.body.turnstileToken, remoteIp: request.ip });
      return reply.code(202).send({ status: 'code_sent' as const, ...result });
    },
  );
  done();
};
