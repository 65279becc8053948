import { describe, expect, it } from 'vitest';
import { composeOtpMail, durationInWords } from '../../src/mail/otp-message.js';

const SIX_DIGITS = /\b\d{6}\b/g;

describe('composeOtpMail', () => {
  it.each([1, 2, 59, 60, 600, 3600, 86400, 100000, 123456, 999999, 9_007_199_254_740_991])(
    'has the code as the only 6-digit number of its text for a %i-second lifetime',
    (ttl) => {
      const mail = composeOtpMail('zoe@example.com', '042917', ttl);
      expect(mail.text.match(SIX_DIGITS)).toEqual(['042917']);
      expect(mail.text).toContain(`expires in ${durationInWords(ttl)}`);
      // No run of four or more digits besides the code: nothing a reader could take for it.
      expect(mail.text.replace('042917', '').match(/\d{4,}/g)).toBeNull();
      expect(mail.html?.match(SIX_DIGITS)).toEqual(['042917']);
    },
  );

  it('addresses the recipient, names the purpose and says what to do with an unexpected mail', () => {
    const mail = composeOtpMail('zoe@example.com', '000123', 600);
    expect(mail.to).toBe('zoe@example.com');
    expect(mail.subject).toBe('Your sign-in code');
    expect(mail.subject).not.toMatch(/\d/);
    expect(mail.text).toContain('000123');
    expect(mail.text).toMatch(/did not ask for this code, ignore this mail/);
    expect(mail.html).toContain('000123');
    expect(mail.html).toMatch(/ignore this mail/);
  });

  it('refuses anything but six digits as a code', () => {
    for (const code of ['12345', '1234567', 'abcdef', '12 456', '<b>12']) {
      expect(() => composeOtpMail('zoe@example.com', code, 600)).toThrow(/six digits/);
    }
  });
});

describe('durationInWords', () => {
  it.each([
    [1, '1 second'],
    [2, '2 seconds'],
    [59, '59 seconds'],
    [60, '1 minute'],
    [61, '1 minute and 1 second'],
    [600, '10 minutes'],
    [3600, '1 hour'],
    [5400, '1 hour and 30 minutes'],
    [86400, '1 day'],
    [100000, '1 day, 3 hours, 46 minutes and 40 seconds'],
    [86400 * 1234, '1,234 days'],
  ])('says %i seconds as "%s"', (seconds, words) => {
    expect(durationInWords(seconds)).toBe(words);
  });
});
