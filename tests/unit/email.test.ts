import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/shared/email.js';

describe('normaliseEmail', () => {
  it.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['bob@example.com', 'bob@example.com'],
    ['\tÉLODIE@exemple.fr\n', 'élodie@exemple.fr'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });
});
