import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config.js';
import { findApproval, InvalidPageTokenError, listApprovals } from '../db/approvals-repository.js';
import type { Database } from '../db/database.js';
import {
  APPROVAL_WORKFLOW_ID_PREFIX,
  APPROVAL_WORKFLOW_TYPE,
  cancelUpdate,
  decideUpdate,
  openedUpdate,
  type Approval,
  type ApprovalStatus,
  type ApprovalWorkflowInput,
  type DecisionKind,
} from '../shared/approval.js';
import type { TemporalClientHandle } from '../temporal/client.js';
import { AppError } from '../utils/app-error.js';
import { isParticipant, refuseCancel, refuseDecision } from '../workflows/approval-rules.js';
import type { Refusal } from '../workflows/refusal.js';

/** A new approval as `POST /approvals` asks for it, already validated and normalised. */
export interface NewApproval {
  readonly title: string;
  readonly description: string | null;
  readonly approvers: readonly string[];
  readonly requiredApprovals: number;
  readonly timeoutSeconds: number;
  readonly reminderIntervalSeconds: number;
  readonly callbackUrl: string | null;
}

/** `GET /approvals` filters. */
export interface ApprovalListQuery {
  readonly role?: 'approver' | 'requester';
  readonly status?: ApprovalStatus;
  readonly pageSize: number;
  readonly pageToken?: string;
}

/** Approvals as the routes see them; `actor` is the caller's normalised email. */
export interface ApprovalService {
  create(actor: string, request: NewApproval): Promise<Approval>;
  get(actor: string, id: string): Promise<Approval>;
  decide(actor: string, id: string, decision: DecisionKind, comment: string | null): Promise<Approval>;
  cancel(actor: string, id: string): Promise<Approval>;
  list(actor: string, query: ApprovalListQuery): Promise<{ items: Approval[]; nextPageToken: string | null }>;
}

type ApprovalWorkflowFn = (input: ApprovalWorkflowInput) => Promise<Approval>;

const notFound = (): AppError => new AppError('not_found', 'Approval not found');

/**
 * The API's side of `approvalWorkflow`: creation (update-with-start that
 * answers once the listing snapshot is written), decisions and cancel
 * (Updates whose validators answer 403/404/409 at once), reads and listings
 * from the snapshot table. After the workflow is gone, refusals are computed
 * from the snapshot with the same rules the workflow uses.
 *
 * @param deps - configuration, the shared Temporal client and the database
 * @returns the service
 */
export function createApprovalService(deps: { config: Config; temporal: TemporalClientHandle; database: Database }): ApprovalService {
  const { config, temporal, database } = deps;
  const workflowId = (id: string): string => APPROVAL_WORKFLOW_ID_PREFIX + id;

  /** Runs an Update; if the workflow has ended, refuses like the workflow would, from the snapshot. */
  async function updateOrRefuse(actor: string, id: string, run: () => Promise<Approval>, refuse: (a: Approval) => Refusal | undefined): Promise<Approval> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const snapshot = await findApproval(database.db, id);
      if (snapshot === undefined || !isParticipant(snapshot, actor)) throw notFound();
      const refusal = refuse(snapshot) ?? { code: 'not_pending', message: `The approval is ${snapshot.status}` };
      throw new AppError(refusal.code, refusal.message, {}, { cause: error });
    }
  }

  return {
    async create(actor, request) {
      const id = randomUUID();
      const createdAt = new Date();
      const approval: Approval = {
        id,
        title: request.title,
        description: request.description,
        requestedBy: actor,
        approvers: [...request.approvers],
        requiredApprovals: request.requiredApprovals,
        status: 'pending',
        decisions: [],
        createdAt: createdAt.toISOString(),
        deadline: new Date(createdAt.getTime() + request.timeoutSeconds * 1000).toISOString(),
        completedAt: null,
      };
      const startWorkflowOperation = new WithStartWorkflowOperation<ApprovalWorkflowFn>(APPROVAL_WORKFLOW_TYPE, {
        workflowId: workflowId(id),
        taskQueue: config.temporal.taskQueue,
        args: [{ approval, reminderIntervalSeconds: request.reminderIntervalSeconds, callbackUrl: request.callbackUrl }],
        workflowIdConflictPolicy: 'FAIL',
      });
      return temporal.call((client) => client.workflow.executeUpdateWithStart(openedUpdate, { args: [], startWorkflowOperation }));
    },

    async get(actor, id) {
      const approval = await findApproval(database.db, id);
      if (approval === undefined || !isParticipant(approval, actor)) throw notFound();
      return approval;
    },

    decide(actor, id, decision, comment) {
      const run = () =>
        temporal.call((client) => client.workflow.getHandle(workflowId(id)).executeUpdate(decideUpdate, { args: [{ actor, decision, comment }] }));
      return updateOrRefuse(actor, id, run, (snapshot) => refuseDecision(snapshot, actor));
    },

    cancel(actor, id) {
      const run = () => temporal.call((client) => client.workflow.getHandle(workflowId(id)).executeUpdate(cancelUpdate, { args: [{ actor }] }));
      return updateOrRefuse(actor, id, run, (snapshot) => refuseCancel(snapshot, { actor }));
    },

    async list(actor, query) {
      try {
        return await listApprovals(database.db, { email: actor, ...query });
      } catch (error) {
        if (error instanceof InvalidPageTokenError) throw new AppError('invalid_request', 'Invalid pageToken', {}, { cause: error });
        throw error;
      }
    },
  };
}
