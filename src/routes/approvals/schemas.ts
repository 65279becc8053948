import { Type } from '@sinclair/typebox';
import { APPROVAL_STATUSES } from '../../shared/approval.js';

/** HTTP shapes of the `/approvals` routes (the contract's section "Approvals"). */

const DateTime = Type.String({ format: 'date-time' });
const Status = Type.Unsafe<(typeof APPROVAL_STATUSES)[number]>({ type: 'string', enum: [...APPROVAL_STATUSES] });
const DecisionKind = Type.Unsafe<'approve' | 'reject'>({ type: 'string', enum: ['approve', 'reject'] });

/** An Approval. */
export const ApprovalSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    title: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    requestedBy: Type.String({ description: "The requester's email" }),
    approvers: Type.Array(Type.String()),
    requiredApprovals: Type.Integer({ minimum: 1 }),
    status: Status,
    decisions: Type.Array(
      Type.Object({ approver: Type.String(), decision: DecisionKind, comment: Type.Union([Type.String(), Type.Null()]), decidedAt: DateTime }),
    ),
    createdAt: DateTime,
    deadline: DateTime,
    completedAt: Type.Union([DateTime, Type.Null()], { description: 'Null while pending' }),
  },
  { description: 'An approval request and its decisions' },
);

/** `POST /approvals` body. */
export const CreateApprovalBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  approvers: Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: 20, description: '1-20 distinct emails' }),
  requiredApprovals: Type.Optional(Type.Integer({ minimum: 1, description: '1..approvers.length; default all' })),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000, default: 604_800 })),
  reminderIntervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000, default: 86_400 })),
  callbackUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'http(s) URL; the final Approval is POSTed there, signed (Standard Webhooks)' })),
});

/** `POST /approvals/:id/decision` body. */
export const DecisionBody = Type.Object({
  decision: DecisionKind,
  comment: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** `:id` in approval paths (any string; unknown ids answer 404, ids that are no valid URL component or too long for the router 400). */
export const ApprovalParams = Type.Object({ id: Type.String({ maxLength: 200 }) });

/**
 * The approval id a path names: ids are lower-case UUIDs, and the database's
 * `uuid` type ignores case while Temporal workflow ids do not, so an
 * upper-case id would be found on read but refused as "not pending" on act.
 *
 * @param raw - the `:id` path parameter
 * @returns the id in lower case
 */
export function approvalId(raw: string): string {
  return raw.toLowerCase();
}

/** `GET /approvals` query. */
export const ListQuery = Type.Object({
  role: Type.Optional(Type.Unsafe<'approver' | 'requester'>({ type: 'string', enum: ['approver', 'requester'] })),
  status: Type.Optional(Status),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
});

/** `GET /approvals` answer. */
export const ApprovalPage = Type.Object({
  items: Type.Array(ApprovalSchema),
  nextPageToken: Type.Union([Type.String(), Type.Null()]),
});
