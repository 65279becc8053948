import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApprovalService } from '../../services/approval-service.js';
import type { SessionService } from '../../services/session-service.js';
import { actOnApprovalRoutes } from './act.js';
import { createApprovalRoute } from './create.js';
import { readApprovalRoutes } from './read.js';

/** The approval routes; every one needs a session. */
export const approvalRoutes: FastifyPluginAsyncTypebox<{ approvals: ApprovalService; sessions: SessionService }> = async (app, options) => {
  await app.register(createApprovalRoute, options);
  await app.register(readApprovalRoutes, options);
  await app.register(actOnApprovalRoutes, options);
};
