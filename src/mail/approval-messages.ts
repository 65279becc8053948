import type { ApprovalMailInput } from '../activities/types.js';
import type { Approval, ApprovalStatus, Decision } from '../shared/approval.js';
import type { OutgoingMail } from './mailer.js';

/** Longest title (in characters) a subject line shows before it is cut with `…`. */
export const SUBJECT_TITLE_MAX = 80;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes a string for HTML text and attribute values.
 *
 * @param value - any user-supplied text
 * @returns the text with `& < > " '` escaped
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * A user-supplied text made safe for one header line: control characters
 * (CR and LF included) and Unicode line breaks become spaces, runs of white
 * space collapse, and the result is cut to `max` characters (whole code
 * points) with `…`.
 *
 * @param value - e.g. an approval's title
 * @param max - the longest result, in code points
 * @returns one line of at most `max` code points
 */
export function headerSafe(value: string, max = SUBJECT_TITLE_MAX): string {
  const line = value.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** An ISO-8601 time as `2025-06-01 12:00 UTC` (as given when it is not a date). */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

const OUTCOME_WORDS: Record<ApprovalStatus, string> = {
  pending: 'is still pending',
  approved: 'was approved',
  rejected: 'was rejected',
  expired: 'expired: the deadline passed before enough approvals came in',
  cancelled: 'was cancelled by the requester',
};

/** One paragraph of both parts: plain-text lines and the same content as HTML. */
interface Block {
  readonly text: string[];
  readonly html: string;
}

/** Label/value rows; values are user-supplied or derived text, escaped for HTML. */
function facts(rows: readonly (readonly [string, string])[]): Block {
  return {
    text: rows.map(([label, value]) => `${label}: ${value}`),
    html: `<table>${rows.map(([label, value]) => `<tr><td>${label}:</td><td><b>${escapeHtml(value)}</b></td></tr>`).join('')}</table>`,
  };
}

const para = (text: string): Block => ({ text: [text], html: `<p>${escapeHtml(text)}</p>` });

/** A user-supplied multi-line text (description, comment), kept as written. */
const quote = (text: string): Block => ({
  text: text.split(/\r?\n/).map((line) => `    ${line}`),
  html: `<blockquote style="white-space: pre-wrap">${escapeHtml(text)}</blockquote>`,
});

function requestFacts(approval: Approval): Block {
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
  return facts([
    ['Title', approval.title],
    ['Requested by', approval.requestedBy],
    ['Approval id', approval.id],
    ['Approvers', approval.approvers.join(', ')],
    ['Needed', `${plural(approval.requiredApprovals, 'approval')} of ${approval.approvers.length}`],
    ['So far', `${plural(approvals, 'approval')}, ${plural(approval.decisions.length - approvals, 'rejection')}`],
    ['Deadline', when(approval.deadline)],
  ]);
}

function howToDecide(approval: Approval, baseUrl: string | undefined): Block[] {
  const endpoint = `${baseUrl?.replace(/\/+$/, '') ?? ''}/approvals/${approval.id}/decision`;
  const body = '{"decision": "approve"} or {"decision": "reject", "comment": "why"}';
  return [
    para('To approve or reject, sign in and send, with your Bearer token:'),
    { text: [`    POST ${endpoint}`, `    ${body}`], html: `<pre>POST ${escapeHtml(endpoint)}\n${escapeHtml(body)}</pre>` },
    para(`If not enough approvals are in by ${when(approval.deadline)}, the request expires.`),
  ];
}

function decisionBlocks(decisions: readonly Decision[]): Block[] {
  if (decisions.length === 0) return [para('Decisions: none.')];
  const blocks: Block[] = [para('Decisions:')];
  for (const d of decisions) {
    const verb = d.decision === 'approve' ? 'approved' : 'rejected';
    blocks.push(para(`- ${d.approver} ${verb} on ${when(d.decidedAt)}${d.comment === null ? ' (no comment)' : ':'}`));
    if (d.comment !== null) blocks.push(quote(d.comment));
  }
  return blocks;
}

function bodyOf(input: ApprovalMailInput, baseUrl: string | undefined): Block[] {
  const { approval } = input;
  const description = approval.description === null ? [] : [para('Description:'), quote(approval.description)];
  if (input.kind === 'outcome') {
    const completed = approval.completedAt === null ? [] : ([['Completed', when(approval.completedAt)]] as const);
    return [
      para(`Your approval request "${approval.title}" ${OUTCOME_WORDS[approval.status]}.`),
      facts([['Approval id', approval.id], ['Status', approval.status], ...completed]),
      ...decisionBlocks(approval.decisions),
    ];
  }
  const opening =
    input.kind === 'request'
      ? `${approval.requestedBy} asks for your approval.`
      : `Reminder: ${approval.requestedBy} is still waiting for your decision.`;
  return [para(opening), requestFacts(approval), ...description, ...howToDecide(approval, baseUrl)];
}

function subjectOf(input: ApprovalMailInput): string {
  const title = headerSafe(input.approval.title);
  if (input.kind === 'request') return `Approval requested: ${title}`;
  if (input.kind === 'reminder') return `Reminder: your decision is needed: ${title}`;
  const status = input.approval.status;
  return `${status.charAt(0).toUpperCase()}${status.slice(1)}: ${title}`;
}

/**
 * An approval mail: `request` (to an approver: title, requester, id,
 * deadline, approvals needed, how to decide), `reminder` (the same, still
 * waiting for the approver's decision) or `outcome` (to the requester: the
 * final status and every decision with its comment). Every user-supplied
 * string is HTML-escaped in the HTML part; the subject is one line (no CR/LF,
 * so no header injection) with the title cut to {@link SUBJECT_TITLE_MAX}.
 *
 * @param input - kind, recipient and the approval as it stands
 * @param baseUrl - the API's public URL, prefixed to the decision route when given
 * @returns the mail
 */
export function composeApprovalMail(input: ApprovalMailInput, baseUrl?: string): OutgoingMail {
  const blocks = [para('Hello,'), ...bodyOf(input, baseUrl)];
  const text = `${blocks.map((block) => block.text.join('\n')).join('\n\n')}\n`;
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    ...blocks.map((block) => block.html),
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject: subjectOf(input), text, html };
}
