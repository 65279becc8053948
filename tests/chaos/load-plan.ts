import type { FaultySmtp } from './faulty-smtp.js';
import { call, errorCode, retryWhileUnavailable, type Tally } from './http.js';

/** An approval as the load test reads it back. */
export interface SeenApproval {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly decisions: readonly { approver: string }[];
}

/**
 * Creates an approval as a client would: the same request again while the API
 * says 503. `POST /approvals` has no idempotency key (contract §3): a try
 * that timed out after its workflow started leaves an approval behind, and the
 * retry makes a second one. The test counts those through the listing.
 *
 * @returns the id of the approval the final 201 names
 */
export async function createApproval(base: string, token: string, title: string, approvers: readonly string[], tally: Tally): Promise<string> {
  const answer = await retryWhileUnavailable(() => call(base, 'POST', '/approvals', { title, approvers }, token, tally));
  if (answer.status !== 201) throw new Error(`POST /approvals: ${answer.status} ${JSON.stringify(answer.json)}`);
  return String(answer.json.id);
}

/**
 * Approves as a client would: again while the API says 503. A `409
 * already_decided` after a 503 means an earlier try went through.
 */
export async function approve(base: string, token: string, id: string, tally: Tally): Promise<void> {
  const answer = await retryWhileUnavailable(() => call(base, 'POST', `/approvals/${id}/decision`, { decision: 'approve' }, token, tally));
  if (answer.status === 200 || (answer.status === 409 && errorCode(answer) === 'already_decided' && answer.unavailable > 0)) return;
  throw new Error(`decision on ${id}: ${answer.status} ${JSON.stringify(answer.json)}`);
}

/** @returns every approval the token's user requested, all pages */
export async function requestedApprovals(base: string, token: string, tally: Tally): Promise<SeenApproval[]> {
  const found: SeenApproval[] = [];
  let pageToken: string | null = null;
  do {
    const query: string = `/approvals?role=requester&pageSize=100${pageToken === null ? '' : `&pageToken=${encodeURIComponent(pageToken)}`}`;
    const page = await retryWhileUnavailable(() => call(base, 'GET', query, undefined, token, tally));
    found.push(...(page.json.items as SeenApproval[]));
    pageToken = page.json.nextPageToken as string | null;
  } while (pageToken !== null);
  return found;
}

/**
 * Runs `work` on every item, `size` at a time.
 *
 * @returns the results in the items' order
 */
export async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map((item, i) => work(item, start + i)))));
  }
  return results;
}

/** The load test's figures. */
export interface LoadCounts {
  signInsRequested: number;
  signInMails: number;
  verified: number;
  approvalsCreated: number;
  approvalsOnServer: number;
  approvalsCompleted: number;
  approvalMailsExpected: number;
  approvalMailsReceived: number;
  lost: number;
  /** Sign-ins without a mail or whose code did not verify. */
  lostSignIns: number;
  duplicated: number;
  /** Approvals created twice (a retried `POST /approvals`). */
  duplicatedApprovals: number;
  serverErrors: number;
  contractBreaches: number;
  kills: string;
}

/** How many mails each key got. */
function histogram<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * Lost and duplicated, from what the receiver and the API show. Lost: a
 * sign-in without exactly-one-code-that-verified, an approval not completed,
 * an approval mail (request to each approver, outcome to the requester) never
 * received. Duplicated: a second mail for one address or one approval mail,
 * a second approval for one title.
 */
export function countLoad(input: {
  smtp: FaultySmtp;
  emails: readonly string[];
  verified: number;
  titles: readonly string[];
  approvers: readonly string[];
  requester: string;
  approvals: readonly SeenApproval[];
  tally: Tally;
  kills: string;
}): LoadCounts {
  const { smtp, emails, titles, approvals } = input;
  const perEmail = emails.map((email) => smtp.mailsTo(email).length);
  const wanted = titles.flatMap((title) => [
    ...input.approvers.map((to) => `${to} Approval requested: ${title}`),
    `${input.requester} Approved: ${title}`,
  ]);
  const approvalMails = histogram(
    smtp.messages.filter((mail) => wanted.includes(`${mail.to.join(',')} ${mail.subject}`)),
    (mail) => `${mail.to.join(',')} ${mail.subject}`,
  );
  const perTitle = histogram(approvals, (approval) => approval.title);
  const completed = titles.filter((title) => approvals.some((a) => a.title === title && a.status === 'approved')).length;
  // A sign-in without a mail cannot have verified: count it once.
  const lostSignIns = emails.length - input.verified;
  const lost = lostSignIns + (titles.length - completed) + wanted.filter((key) => !approvalMails.has(key)).length;
  const surplus = (counts: Iterable<number>): number => [...counts].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const duplicatedApprovals = surplus(perTitle.values());
  const duplicated = surplus(perEmail) + surplus(approvalMails.values()) + duplicatedApprovals;
  return {
    signInsRequested: emails.length,
    signInMails: perEmail.reduce((a, b) => a + b, 0),
    verified: input.verified,
    approvalsCreated: titles.length,
    approvalsOnServer: approvals.length,
    approvalsCompleted: completed,
    approvalMailsExpected: wanted.length,
    approvalMailsReceived: [...approvalMails.values()].reduce((a, b) => a + b, 0),
    lost,
    lostSignIns,
    duplicated,
    duplicatedApprovals,
    serverErrors: input.tally.serverErrors.length,
    contractBreaches: input.tally.contractBreaches().length,
    kills: input.kills,
  };
}

/** Prints the figures as one block. */
export function printLoadSummary(counts: LoadCounts, tally: Tally): void {
  const statuses = [...tally.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
  console.log(
    [
      '── chaos load summary ──────────────────────────────────────────',
      `faults            ${counts.kills}`,
      `sign-ins          requested ${counts.signInsRequested} / mails received ${counts.signInMails} / verified ${counts.verified}`,
      `approvals         created ${counts.approvalsCreated} / on the server ${counts.approvalsOnServer} / completed ${counts.approvalsCompleted}`,
      `approval mails    expected ${counts.approvalMailsExpected} / received ${counts.approvalMailsReceived}`,
      `lost              ${counts.lost} (sign-ins not verified: ${counts.lostSignIns})`,
      `duplicated        ${counts.duplicated} (approvals created twice: ${counts.duplicatedApprovals}; the rest are mails)`,
      `5xx seen          ${counts.serverErrors} (outside the contract's "503 unavailable within 5 s": ${counts.contractBreaches})`,
      `HTTP statuses     ${statuses}`,
      '────────────────────────────────────────────────────────────────',
    ].join('\n'),
  );
}
