import type { OutgoingMail } from './mailer.js';

const UNITS = [
  { seconds: 86_400, singular: 'day', plural: 'days' },
  { seconds: 3_600, singular: 'hour', plural: 'hours' },
  { seconds: 60, singular: 'minute', plural: 'minutes' },
  { seconds: 1, singular: 'second', plural: 'seconds' },
] as const;

/**
 * A duration in words, e.g. `10 minutes`, `1 hour`, `1 day, 3 hours,
 * 46 minutes and 40 seconds`. Numbers of four digits or more are grouped with
 * commas (`1,234 days`), so the text never holds a run of more than three
 * digits and a 6-digit code stays the only 6-digit number of a mail.
 *
 * @param totalSeconds - a whole number of seconds, at least 1
 * @returns the duration in words
 */
export function durationInWords(totalSeconds: number): string {
  let rest = Math.max(1, Math.round(totalSeconds));
  const parts: string[] = [];
  for (const unit of UNITS) {
    const count = Math.floor(rest / unit.seconds);
    rest -= count * unit.seconds;
    if (count > 0) parts.push(`${count.toLocaleString('en-US')} ${count === 1 ? unit.singular : unit.plural}`);
  }
  const last = parts.pop() ?? '';
  return parts.length === 0 ? last : `${parts.join(', ')} and ${last}`;
}

/**
 * The sign-in code mail. Its plain-text part holds the code as its only 6-digit
 * number (the contract: clients and tests read it with `/\b\d{6}\b/`), states
 * the lifetime in words, and tells an unexpecting recipient to ignore it. The
 * HTML part says the same; the code is the only value put into it (digits, so
 * nothing to escape).
 *
 * @param to - the recipient
 * @param code - the code, exactly six digits
 * @param ttlSeconds - the code's lifetime
 * @returns the mail
 * @throws Error when `code` is not six digits
 */
export function composeOtpMail(to: string, code: string, ttlSeconds: number): OutgoingMail {
  if (!/^\d{6}$/.test(code)) throw new Error('a sign-in code is exactly six digits');
  const lifetime = durationInWords(ttlSeconds);
  const text = [
    'Hello,',
    '',
    'Your sign-in code is:',
    '',
    `    ${code}`,
    '',
    `Enter it on the sign-in page. It expires in ${lifetime} and works once.`,
    '',
    'If you did not ask for this code, ignore this mail: nobody can sign in without it.',
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    '<p>Hello,</p>',
    '<p>Your sign-in code is:</p>',
    `<p style="font-size: 28px; font-weight: bold; letter-spacing: 4px">${code}</p>`,
    `<p>Enter it on the sign-in page. It expires in ${lifetime} and works once.</p>`,
    '<p>If you did not ask for this code, ignore this mail: nobody can sign in without it.</p>',
    '</body></html>',
  ].join('\n');
  return { to, subject: 'Your sign-in code', text, html };
}
