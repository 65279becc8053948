import { Type } from '@sinclair/typebox';
import { errorSchema } from '../schemas.js';

/** HTTP shapes of the `/auth` routes (the contract's section "Sign-in"). */

/** A user as the API shows it. */
export const User = Type.Object({ id: Type.String({ format: 'uuid' }), email: Type.String() });

/** `POST /auth/sign-in` body. */
export const SignInBody = Type.Object({
  email: Type.String({ maxLength: 1024, description: 'Normalised (trimmed, lower-cased) before use' }),
  turnstileToken: Type.Optional(Type.String({ maxLength: 4096, description: 'Required when Turnstile is on' })),
});

/** `202` answer of `POST /auth/sign-in`. */
export const CodeSent = Type.Object(
  {
    status: Type.Literal('code_sent'),
    expiresAt: Type.String({ format: 'date-time' }),
    resendAvailableAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A 6-digit code was emailed' },
);

/** `POST /auth/verify` body. */
export const VerifyBody = Type.Object({
  email: Type.String({ maxLength: 1024 }),
  code: Type.String({ pattern: '^[0-9]{6}$', description: 'Exactly 6 digits' }),
});

/** `200` answer of `POST /auth/verify`. */
export const SignedIn = Type.Object(
  {
    token: Type.String({ description: 'Opaque bearer token (256 bits)' }),
    tokenType: Type.Literal('Bearer'),
    expiresAt: Type.String({ format: 'date-time' }),
    user: User,
  },
  { description: 'Signed in; the first sign-in of an email creates its user' },
);

/** `401 invalid_code` with the attempts left on this code. */
export const InvalidCode = errorSchema(['invalid_code'], { attemptsRemaining: Type.Integer({ minimum: 0 }) });

/** `200` answer of `GET /auth/me`. */
export const Me = Type.Object({ user: User, session: Type.Object({ expiresAt: Type.String({ format: 'date-time' }) }) });
