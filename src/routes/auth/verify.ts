import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { SignInService } from '../../services/sign-in-service.js';
import { errorResponses } from '../schemas.js';
import { InvalidCode, SignedIn, VerifyBody } from './schemas.js';
import { requireEmail } from './sign-in.js';

/** `POST /auth/verify`: trades a live code for a session token; a code works once. */
export const verifyRoute: FastifyPluginCallbackTypebox<{ signIn: SignInService }> = (app, options, done) => {
  app.post(
    '/auth/verify',
    {
      schema: {
        summary: 'Verify a sign-in code and get a session token',
        description:
          'A code works once. 401 invalid_code carries attemptsRemaining; 410 means no live code exists ' +
          '(code_expired, too_many_attempts or no_active_code). The first successful verify creates the user.',
        tags: ['auth'],
        body: VerifyBody,
        response: {
          200: SignedIn,
          ...errorResponses(400, 410, 413, 'too_many_requests', 500, 503),
          401: InvalidCode,
        },
      },
    },
    async (request, reply) => {
      const email = requireEmail(request.body.email);
      const signedIn = await options.signIn.verifyCode(email, request.body.code);
      void reply.header('cache-control', 'no-store');
      return { token: signedIn.token, tokenType: 'Bearer' as const, expiresAt: signedIn.expiresAt, user: signedIn.user };
    },
  );
  done();
};
