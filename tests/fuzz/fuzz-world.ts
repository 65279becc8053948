import fc from 'fast-check';
import { closedPort } from '../helpers/net.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';
import { extractCode } from '../helpers/smtp-receiver.js';
import { deref, operationsOf, type OpenApiDocument, type OperationRef } from './openapi.js';
import type { FuzzRequest, RequestContext } from './request-arbitrary.js';
import { ResponseChecker } from './response-checker.js';
import { Tally, type Exchange } from './tally.js';

/** The participants of the seeded approvals: a requester and three approvers. */
export const REQUESTER = 'fuzz-rita@example.test';
export const APPROVERS = ['fuzz-abe@example.test', 'fuzz-bea@example.test', 'fuzz-cy@example.test'] as const;

/** Addresses the generators use besides random ones: internationalised, NFC/NFD, mixed case with spaces. */
export const ODD_EMAILS = ['用户@例子.广告', 'josé@exämple.com', 'jose\u0301@exa\u0308mple.com', '  Fuzz-Someone@Example.TEST ', 'a@b', 'x@localhost'] as const;

const TOKEN_IN_HEADER = /^bearer +(\S+)/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A real stack (Temporal dev server, worker, PGlite, SMTP receiver, app via
 * `inject`) plus what fuzzing it needs: its own OpenAPI document and a checker
 * for it, live sessions of four users (replaced when the fuzz signs them out),
 * and approval ids and page tokens learnt from responses.
 */
export class FuzzWorld {
  readonly operations: readonly OperationRef[];
  readonly checker: ResponseChecker;
  /** Setup traffic (sign-ins, seeded approvals), checked like the fuzz traffic. */
  readonly setupTally = new Tally('setup requests (sessions and seeded approvals)');
  readonly approvalIds = new Set<string>();
  private readonly pageTokens = new Set<string>();
  private readonly tokens = new Map<string, string[]>();

  private constructor(
    readonly stack: SignInStack,
    readonly doc: OpenApiDocument,
    private readonly deadHook: string,
  ) {
    this.operations = operationsOf(doc);
    this.checker = new ResponseChecker(doc);
  }

  /**
   * Starts the stack with the rate limit off and no resend cooldown (sessions are made in bulk), and reads `/openapi.json`.
   *
   * @returns the world
   */
  static async start(): Promise<FuzzWorld> {
    const stack = await startSignInStack({ env: { RATE_LIMIT_PER_MINUTE: '0', OTP_RESEND_COOLDOWN_SECONDS: '0' } });
    try {
      const res = await stack.app.inject({ method: 'GET', url: '/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
      return new FuzzWorld(stack, res.json<OpenApiDocument>(), `http://127.0.0.1:${await closedPort()}/hook`);
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  /** @returns the operation with this key; throws when the document lacks it */
  op(key: string): OperationRef {
    const found = this.operations.find((op) => op.key === key);
    if (found === undefined) throw new Error(`the document has no operation ${key}`);
    return found;
  }

  /**
   * Sends a request through `inject`, checks the answer against the document
   * and the contract, records it, and learns from it (ids, page tokens, dead sessions).
   *
   * @param request - the request
   * @param tally - where to count it
   * @returns the exchange
   */
  async send(request: FuzzRequest, tally: Tally): Promise<Exchange> {
    const res = await this.stack.app.inject({
      method: request.method as 'GET' | 'POST',
      url: request.url,
      headers: request.headers,
      ...(request.payload === undefined ? {} : { payload: request.payload }),
    });
    const response = { status: res.statusCode, headers: res.headers, body: res.body };
    const exchange = { request, response, problems: this.checker.problems(this.op(request.op), response) };
    tally.record(exchange);
    this.learn(exchange);
    return exchange;
  }

  private learn({ request, response }: Exchange): void {
    let body: unknown;
    try {
      body = JSON.parse(response.body) as unknown;
    } catch {
      return;
    }
    const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const error = record.error as { code?: unknown } | undefined;
    const token = TOKEN_IN_HEADER.exec(request.headers.authorization ?? '')?.[1];
    if (error?.code === 'unauthorized' && token !== undefined) {
      for (const [user, list] of this.tokens) this.tokens.set(user, list.filter((t) => t !== token));
    }
    if (response.status >= 300) return;
    const items = Array.isArray(record.items) ? (record.items as Record<string, unknown>[]) : [record];
    for (const item of items) if (typeof item.id === 'string' && UUID.test(item.id)) this.approvalIds.add(item.id);
    if (typeof record.nextPageToken === 'string') this.pageTokens.add(record.nextPageToken);
  }

  /** A request with a JSON body to an operation without path parameters (setup traffic). */
  jsonRequest(key: string, body: object | undefined, token?: string): FuzzRequest {
    const op = this.op(key);
    return {
      op: key,
      method: op.method.toUpperCase(),
      url: op.path,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    };
  }

  /**
   * Signs a user in through the real routes (code read from the mail) and keeps the token.
   *
   * @param email - a normalised address
   * @returns the new session's token
   */
  async newSession(email: string): Promise<string> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const before = this.stack.smtp.messages.length;
      const sent = await this.send(this.jsonRequest('POST /auth/sign-in', { email }), this.setupTally);
      if (sent.response.status !== 202) continue;
      const mail = await this.stack.smtp.waitForMail(
        (m) => this.stack.smtp.messages.indexOf(m) >= before && m.to.includes(email) && m.subject === 'Your sign-in code',
        20_000,
      );
      const verified = await this.send(this.jsonRequest('POST /auth/verify', { email, code: extractCode(mail.text) }), this.setupTally);
      if (verified.response.status !== 200) continue;
      const token = (JSON.parse(verified.response.body) as { token: string }).token;
      this.tokens.set(email, [...(this.tokens.get(email) ?? []), token]);
      return token;
    }
    throw new Error(`could not sign ${email} in`);
  }

  /**
   * Brings every user back to `perUser` live sessions (the fuzz signs some out).
   *
   * @param perUser - sessions wanted per user
   */
  async replenish(perUser: number): Promise<void> {
    await Promise.all(
      [REQUESTER, ...APPROVERS].map(async (email) => {
        while ((this.tokens.get(email) ?? []).length < perUser) await this.newSession(email);
      }),
    );
  }

  /** @returns a live token of the user (creating a session if none is left) */
  async tokenOf(email: string): Promise<string> {
    return this.tokens.get(email)?.[0] ?? (await this.newSession(email));
  }

  /** @returns the generators' context: document `$ref`s, hints from what the world knows, live tokens */
  context(): RequestContext {
    const users = [REQUESTER, ...APPROVERS];
    const someEmail = fc.oneof(fc.emailAddress(), fc.constantFrom(...ODD_EMAILS));
    const hints: Record<string, fc.Arbitrary<unknown>> = {
      email: someEmail,
      approvers: fc.uniqueArray(fc.oneof(fc.constantFrom(...users), someEmail), { minLength: 1, maxLength: 4 }),
      callbackUrl: fc.constant(this.deadHook),
    };
    if (this.approvalIds.size > 0) hints.id = fc.constantFrom(...this.approvalIds);
    if (this.pageTokens.size > 0) hints.pageToken = fc.constantFrom(...this.pageTokens);
    return { deref: (schema) => deref(this.doc, schema), hints, liveTokens: [...this.tokens.values()].flat() };
  }

  /** Stops the stack. */
  stop(): Promise<void> {
    return this.stack.stop();
  }
}
