import { expect } from 'vitest';
import type { SignInStack } from './sign-in-stack.js';

/**
 * Signs a user in through the real routes (code read from the SMTP receiver).
 *
 * @param stack - the running stack
 * @param email - a normalised email
 * @returns the bearer token
 */
export async function signInAs(stack: SignInStack, email: string): Promise<string> {
  const sent = await stack.app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email } });
  expect(sent.statusCode).toBe(202);
  const code = await stack.smtp.codeFor(email);
  const verified = await stack.app.inject({ method: 'POST', url: '/auth/verify', payload: { email, code } });
  expect(verified.statusCode).toBe(200);
  return verified.json<{ token: string }>().token;
}
