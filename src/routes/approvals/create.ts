import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { requireSession, sessionOf } from '../../plugins/authenticate.js';
import type { ApprovalService, NewApproval } from '../../services/approval-service.js';
import type { SessionService } from '../../services/session-service.js';
import { isValidEmail, normaliseEmail } from '../../shared/email.js';
import { AppError } from '../../utils/app-error.js';
import { BEARER_SECURITY, errorResponses } from '../schemas.js';
import { ApprovalSchema, CreateApprovalBody } from './schemas.js';
import type { Static } from '@sinclair/typebox';

/** Defaults of the contract. */
const DEFAULT_TIMEOUT_SECONDS = 604_800;
const DEFAULT_REMINDER_INTERVAL_SECONDS = 86_400;

/**
 * Checks what the schema cannot: approver emails usable and distinct after
 * normalising, `requiredApprovals` within the approvers, an http(s) callback.
 *
 * @param body - the validated body
 * @returns the new approval's parameters
 * @throws AppError `invalid_email` or `invalid_request`
 */
export function toNewApproval(body: Static<typeof CreateApprovalBody>): NewApproval {
  const approvers = body.approvers.map(normaliseEmail);
  const bad = approvers.find((email) => !isValidEmail(email));
  if (bad !== undefined) throw new AppError('invalid_email', 'An approver email is not a usable address');
  if (new Set(approvers).size !== approvers.length) throw new AppError('invalid_request', 'Invalid request: approvers must be distinct');
  const requiredApprovals = body.requiredApprovals ?? approvers.length;
  if (requiredApprovals > approvers.length) {
    throw new AppError('invalid_request', 'Invalid request: requiredApprovals cannot exceed the number of approvers');
  }
  let callbackUrl: string | null = null;
  if (body.callbackUrl !== undefined) {
    const url = URL.canParse(body.callbackUrl) ? new URL(body.callbackUrl) : undefined;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new AppError('invalid_request', 'Invalid request: callbackUrl must be an http or https URL');
    }
    callbackUrl = url.href;
  }
  return {
    title: body.title,
    description: body.description ?? null,
    approvers,
    requiredApprovals,
    timeoutSeconds: body.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    reminderIntervalSeconds: body.reminderIntervalSeconds ?? DEFAULT_REMINDER_INTERVAL_SECONDS,
    callbackUrl,
  };
}

/** `POST /approvals`: starts an approval; each approver is emailed. */
export const createApprovalRoute: FastifyPluginCallbackTypebox<{ approvals: ApprovalService; sessions: SessionService }> = (app, options, done) => {
  app.post(
    '/approvals',
    {
      onRequest: requireSession(options.sessions),
      schema: {
        summary: 'Request an approval',
        description: 'Each approver is emailed. Decided by the outcome rule, expired at the deadline; optional signed webhook at the end.',
        tags: ['approvals'],
        security: [...BEARER_SECURITY],
        body: CreateApprovalBody,
        response: { 201: ApprovalSchema, ...errorResponses(400, 'unauthorized', 413, 'too_many_requests', 500, 503) },
      },
    },
    async (request, reply) => {
      const approval = await options.approvals.create(sessionOf(request).user.email, toNewApproval(request.body));
      return reply.code(201).send(approval);
    },
  );
  done();
};
