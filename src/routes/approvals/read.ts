import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { requireSession, sessionOf } from '../../plugins/authenticate.js';
import type { ApprovalService } from '../../services/approval-service.js';
import type { SessionService } from '../../services/session-service.js';
import { BEARER_SECURITY, errorResponses } from '../schemas.js';
import { ApprovalPage, ApprovalParams, ApprovalSchema, ListQuery, approvalId } from './schemas.js';

/** `GET /approvals/:id` and `GET /approvals`: only approvals the caller takes part in. */
export const readApprovalRoutes: FastifyPluginCallbackTypebox<{ approvals: ApprovalService; sessions: SessionService }> = (app, options, done) => {
  const guard = requireSession(options.sessions);

  app.get(
    '/approvals/:id',
    {
      onRequest: guard,
      schema: {
        summary: 'One approval (requester and approvers only)',
        description: 'Anyone else gets 404, whether or not the approval exists.',
        tags: ['approvals'],
        security: [...BEARER_SECURITY],
        params: ApprovalParams,
        // 400: an id that is not a valid URL component or is longer than the router takes.
        response: { 200: ApprovalSchema, ...errorResponses(400, 'unauthorized', 'not_found', 'too_many_requests', 500, 503) },
      },
    },
    async (request) => options.approvals.get(sessionOf(request).user.email, approvalId(request.params.id)),
  );

  app.get(
    '/approvals',
    {
      onRequest: guard,
      schema: {
        summary: 'Approvals the caller takes part in, newest first',
        tags: ['approvals'],
        security: [...BEARER_SECURITY],
        querystring: ListQuery,
        response: { 200: ApprovalPage, ...errorResponses(400, 'unauthorized', 'too_many_requests', 500, 503) },
      },
    },
    async (request) => {
      const { role, status, pageSize, pageToken } = request.query;
      return options.approvals.list(sessionOf(request).user.email, {
        pageSize: pageSize ?? 20,
        ...(role === undefined ? {} : { role }),
        ...(status === undefined ? {} : { status }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
    },
  );
  done();
};
