import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config.js';
import {
  SIGN_IN_WORKFLOW_TYPE,
  requestCodeUpdate,
  verifyCodeUpdate,
  type RequestCodeResult,
  type SignInUser,
  type SignInWorkflowInput,
} from '../shared/sign-in.js';
import type { TemporalClientHandle } from '../temporal/client.js';
import { AppError } from '../utils/app-error.js';
import {
  deriveSignInCode,
  hashSessionToken,
  newChallengeId,
  newSessionToken,
  signInCodeMac,
  signInWorkflowId,
} from '../utils/secrets.js';

/** What `POST /auth/sign-in` asks for; the email is already normalised and valid. */
export interface CodeRequest {
  readonly email: string;
  readonly turnstileToken?: string | undefined;
  readonly remoteIp: string;
}

/** A successful verification: the bearer token exists only here and in the response. */
export interface SignedIn {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: SignInUser;
}

/** The sign-in process as the routes see it. */
export interface SignInService {
  /** Issues and mails a new code (starting the email's workflow if needed). */
  requestCode(request: CodeRequest): Promise<RequestCodeResult>;
  /** Checks a code and, if right, returns a new session's token. */
  verifyCode(email: string, code: string): Promise<SignedIn>;
}

/** Dependencies of {@link createSignInService}. */
export interface SignInServiceDeps {
  readonly config: Config;
  readonly temporal: TemporalClientHandle;
  /** `AUTH_SECRET` (or the generated development secret). */
  readonly authSecret: string;
}

type SignInWorkflowFn = (input: SignInWorkflowInput) => Promise<void>;

/**
 * The API's side of `signInWorkflow`. Secrets are made here and only their
 * safe forms go to Temporal: the code is derived from a fresh challenge id and
 * sent as a keyed MAC; the session token is generated here and sent as a hash.
 *
 * @param deps - configuration, the shared Temporal client and the server secret
 * @returns the service
 */
export function createSignInService(deps: SignInServiceDeps): SignInService {
  const { config, temporal, authSecret } = deps;

  const requestOnce = (request: CodeRequest): Promise<RequestCodeResult> => {
    if (config.turnstile.secretKey !== undefined && (request.turnstileToken ?? '') === '') {
      throw new AppError('captcha_failed', 'A captcha token (turnstileToken) is required');
    }
    const workflowId = signInWorkflowId(authSecret, request.email);
    const challengeId = newChallengeId();
    const codeMac = signInCodeMac(authSecret, workflowId, deriveSignInCode(authSecret, workflowId, challengeId));
    const turnstile =
      config.turnstile.secretKey === undefined ? undefined : { token: request.turnstileToken ?? '', remoteIp: request.remoteIp };
    const startWorkflowOperation = new WithStartWorkflowOperation<SignInWorkflowFn>(SIGN_IN_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: config.temporal.taskQueue,
      args: [{ email: request.email }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return temporal.call((client) =>
      client.workflow.executeUpdateWithStart(requestCodeUpdate, {
        args: [{ challengeId, codeMac, policy: config.otp, ...(turnstile === undefined ? {} : { turnstile }) }],
        startWorkflowOperation,
      }),
    );
  };

  return {
    async requestCode(request) {
      try {
        return await requestOnce(request);
      } catch (error) {
        // The email's workflow completed between admitting the update and running it: start afresh.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        return requestOnce(request);
      }
    },

    async verifyCode(email, code) {
      const workflowId = signInWorkflowId(authSecret, email);
      const token = newSessionToken();
      const session = { id: randomUUID(), tokenHash: hashSessionToken(token), ttlSeconds: config.sessionTtlSeconds };
      try {
        const result = await temporal.call((client) =>
          client.workflow.getHandle(workflowId).executeUpdate(verifyCodeUpdate, {
            args: [{ codeMac: signInCodeMac(authSecret, workflowId, code), session }],
          }),
        );
        return { token, expiresAt: result.sessionExpiresAt, user: result.user };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new AppError('no_active_code', 'No active code for this email; ask for a new one', {}, { cause: error });
        }
        throw error;
      }
    },
  };
}
