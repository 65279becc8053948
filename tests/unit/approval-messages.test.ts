import { describe, expect, it } from 'vitest';
import type { ApprovalMailKind } from '../../src/activities/types.js';
import { composeApprovalMail, escapeHtml, headerSafe, SUBJECT_TITLE_MAX } from '../../src/mail/approval-messages.js';
import type { Approval } from '../../src/shared/approval.js';
import { sampleApproval, sampleDecision } from '../helpers/sample-approval.js';

const KINDS: readonly ApprovalMailKind[] = ['request', 'reminder', 'outcome'];
const hostile = sampleApproval({
  title: 'Ship <script>alert("x")</script> & more\r\nBcc: victim@example.com',
  description: '<img src=x onerror=alert(1)>\nline two',
  requestedBy: "o'neil+<tag>@example.com",
  approvers: ['abe@example.com', 'b<i>e@example.com'],
  decisions: [sampleDecision('abe@example.com', 'reject', 'No: <b>"too risky"</b> & \'late\'')],
  status: 'rejected',
  completedAt: '2025-06-02T09:30:00.000Z',
});

const mail = (kind: ApprovalMailKind, approval: Approval = sampleApproval(), to = 'abe@example.com') =>
  composeApprovalMail({ kind, to, approval }, undefined);

describe('composeApprovalMail', () => {
  it('asks an approver to decide: title, requester, id, deadline, approvals needed and the decision route', () => {
    const approval = sampleApproval({ requiredApprovals: 1 });
    const { to, subject, text, html } = mail('request', approval);
    expect(to).toBe('abe@example.com');
    expect(subject).toBe('Approval requested: Deploy release 1.2 to production');
    for (const part of [text, html]) {
      for (const fact of [approval.title, 'rita@example.com', approval.id, '2025-06-08 10:00 UTC', '1 approval of 2', 'Rolls out the new billing code.']) {
        expect(part).toContain(fact);
      }
      expect(part).toContain(`POST /approvals/${approval.id}/decision`);
    }
    expect(text).toMatch(/asks for your approval/);
    expect(text).toContain('Requested by: rita@example.com');
    expect(text).toContain('    Downtime: none expected.');
  });

  it('reminds an approver that the requester is still waiting, with the progress so far', () => {
    const approval = sampleApproval({ requiredApprovals: 2, decisions: [sampleDecision('bea@example.com', 'approve')] });
    const { subject, text, html } = mail('reminder', approval);
    expect(subject).toBe('Reminder: your decision is needed: Deploy release 1.2 to production');
    expect(text).toMatch(/still waiting for your decision/);
    expect(text).toContain('So far: 1 approval, 0 rejections');
    for (const part of [text, html]) for (const fact of [approval.title, approval.requestedBy, approval.id]) expect(part).toContain(fact);
    expect(text).toContain(`POST /approvals/${approval.id}/decision`);
  });

  it('tells the requester the outcome with every decision and comment', () => {
    const approval = sampleApproval({
      status: 'approved',
      decisions: [sampleDecision('abe@example.com', 'approve', 'Looks good.\nShip it.'), sampleDecision('bea@example.com', 'approve')],
      completedAt: '2025-06-02T09:30:00.000Z',
    });
    const { to, subject, text, html } = mail('outcome', approval, 'rita@example.com');
    expect(to).toBe('rita@example.com');
    expect(subject).toBe('Approved: Deploy release 1.2 to production');
    expect(text).toContain(`Your approval request "${approval.title}" was approved.`);
    expect(text).toContain('Status: approved');
    expect(text).toContain('- abe@example.com approved on 2025-06-02 09:30 UTC:\n\n    Looks good.\n    Ship it.');
    expect(text).toContain('- bea@example.com approved on 2025-06-02 09:30 UTC (no comment)');
    expect(html).toContain('Looks good.\nShip it.');
    expect(text).not.toContain('POST /approvals');
  });

  it.each([
    ['rejected', 'Rejected', 'was rejected'],
    ['expired', 'Expired', 'the deadline passed'],
    ['cancelled', 'Cancelled', 'was cancelled'],
  ] as const)('words a %s outcome', (status, subjectWord, phrase) => {
    const { subject, text } = mail('outcome', sampleApproval({ status, completedAt: '2025-06-08T10:00:00.000Z' }), 'rita@example.com');
    expect(subject).toBe(`${subjectWord}: Deploy release 1.2 to production`);
    expect(text).toContain(phrase);
    expect(text).toContain('Decisions: none.');
  });

  it.each(KINDS)('escapes every user-supplied string in the HTML of a %s mail', (kind) => {
    const { html } = mail(kind, hostile);
    expect(html).not.toMatch(/<script|<img|<tag>|<i>e@|<b>"too/);
    expect(html).toContain('Ship &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    if (kind === 'outcome') {
      expect(html).toContain('No: &lt;b&gt;&quot;too risky&quot;&lt;/b&gt; &amp; &#39;late&#39;');
    } else {
      expect(html).toContain('o&#39;neil+&lt;tag&gt;@example.com');
      expect(html).toContain('b&lt;i&gt;e@example.com');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it.each(KINDS)('keeps the subject of a %s mail on one line, whatever the title holds', (kind) => {
    const { subject, text } = mail(kind, hostile);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('Ship <script>alert("x")</script> & more Bcc: victim@example.com');
    expect(text).toContain('Ship <script>');
  });

  it('prefixes the decision route with the base URL when given', () => {
    const approval = sampleApproval();
    const { text } = composeApprovalMail({ kind: 'request', to: 'abe@example.com', approval }, 'https://api.example.com/');
    expect(text).toContain(`POST https://api.example.com/approvals/${approval.id}/decision`);
  });
});

describe('headerSafe', () => {
  it('turns line breaks and control characters into single spaces', () => {
    expect(headerSafe('a\r\nb\tc\u0000d\u2028e\u0085f  g')).toBe('a b c d e f g');
    expect(headerSafe('  padded \n')).toBe('padded');
  });

  it('cuts long titles to the limit with an ellipsis, never inside a character', () => {
    const long = 'x'.repeat(300);
    expect([...headerSafe(long)]).toHaveLength(SUBJECT_TITLE_MAX);
    expect(headerSafe(long).endsWith('…')).toBe(true);
    expect(headerSafe('x'.repeat(SUBJECT_TITLE_MAX))).toBe('x'.repeat(SUBJECT_TITLE_MAX));
    const emoji = headerSafe('😀'.repeat(100), 10);
    expect([...emoji]).toEqual([...'😀'.repeat(9), '…']);
    expect(mail('request', sampleApproval({ title: 'y'.repeat(200) })).subject.length).toBeLessThan(120);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> ü`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; ü');
  });
});
