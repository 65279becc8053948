import { describe, expect, it } from 'vitest';
import { formatTable, percentile, perSecond, ratio, summarize } from '../../bench/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the smallest sample with p % at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 8, 9], 50)).toBe(8);
    expect(percentile([7, 8, 9], 99)).toBe(9);
    expect(percentile([42], 1)).toBe(42);
  });

  it('gives NaN without samples and refuses percentiles outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(hundred, 0)).toThrow(RangeError);
    expect(() => percentile(hundred, 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports count, percentiles, max and mean', () => {
    const samples = [30, 10, 20, 40];
    expect(summarize(samples)).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
    expect(samples).toEqual([30, 10, 20, 40]);
  });

  it('reports an empty route as count 0 with NaN figures', () => {
    const empty = summarize([]);
    expect(empty.count).toBe(0);
    expect(empty.p99).toBeNaN();
    expect(empty.mean).toBeNaN();
  });
});

describe('ratio and perSecond', () => {
  it('divides by the baseline, undefined when the baseline is zero', () => {
    expect(ratio(80, 100)).toBeCloseTo(0.8);
    expect(ratio(5, 0)).toBeUndefined();
    expect(ratio(5, Number.NaN)).toBeUndefined();
  });

  it('turns a count over a window into a rate', () => {
    expect(perSecond(50, 10_000)).toBe(5);
    expect(perSecond(3, 0)).toBe(0);
  });
});

describe('formatTable', () => {
  it('aligns text left and numbers right, with a rule under the header', () => {
    const table = formatTable(['route', 'p99'], [['POST /auth/verify', 12.345], ['GET /x', Number.NaN]], 1);
    expect(table.split('\n')).toEqual([
      'route               p99',
      '-----------------  ----',
      'POST /auth/verify  12.3',
      'GET /x                -',
    ]);
  });
});
