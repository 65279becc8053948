import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { requireSession, sessionOf } from '../../plugins/authenticate.js';
import type { ApprovalService } from '../../services/approval-service.js';
import type { SessionService } from '../../services/session-service.js';
import { BEARER_SECURITY, errorResponses } from '../schemas.js';
import { ApprovalParams, ApprovalSchema, DecisionBody, approvalId } from './schemas.js';

/** `POST /approvals/:id/decision` and `POST /approvals/:id/cancel`. */
export const actOnApprovalRoutes: FastifyPluginCallbackTypebox<{ approvals: ApprovalService; sessions: SessionService }> = (app, options, done) => {
  const guard = requireSession(options.sessions);

  app.post(
    '/approvals/:id/decision',
    {
      onRequest: guard,
      schema: {
        summary: 'Approve or reject (approvers only)',
        tags: ['approvals'],
        security: [...BEARER_SECURITY],
        params: ApprovalParams,
        body: DecisionBody,
        response: {
          200: ApprovalSchema,
          ...errorResponses(400, 'unauthorized', 'not_an_approver', 'not_found', 'already_decided', 'not_pending', 413, 'too_many_requests', 500, 503),
        },
      },
    },
    async (request) =>
      options.approvals.decide(sessionOf(request).user.email, approvalId(request.params.id), request.body.decision, request.body.comment ?? null),
  );

  app.post(
    '/approvals/:id/cancel',
    {
      onRequest: guard,
      schema: {
        summary: 'Cancel (requester only)',
        tags: ['approvals'],
        security: [...BEARER_SECURITY],
        params: ApprovalParams,
        // 413: the route takes no body, but one over the limit is refused before anything else looks at it.
        response: { 200: ApprovalSchema, ...errorResponses(400, 'unauthorized', 'forbidden', 'not_found', 'not_pending', 413, 'too_many_requests', 500, 503) },
      },
    },
    async (request) => options.approvals.cancel(sessionOf(request).user.email, approvalId(request.params.id)),
  );
  done();
};
