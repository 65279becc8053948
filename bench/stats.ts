/** Latency figures of one route (milliseconds). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The nearest-rank percentile: the smallest sample with at least `p` % of
 * the samples at or below it.
 *
 * @param sorted - samples in ascending order
 * @param p - percentile, 0 < p <= 100
 * @returns the percentile, or NaN for no samples
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/**
 * Summarises latency samples.
 *
 * @param samples - milliseconds, in any order
 * @returns count, p50, p95, p99, max and mean
 */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/**
 * Throughput as a fraction of a baseline's.
 *
 * @param value - the product's flows per second
 * @param baseline - the baseline's flows per second
 * @returns value / baseline, or undefined when the baseline did nothing
 */
export function ratio(value: number, baseline: number): number | undefined {
  return baseline > 0 && Number.isFinite(baseline) ? value / baseline : undefined;
}

/**
 * Flows per second over an elapsed time.
 *
 * @param flows - completed flows
 * @param elapsedMs - the measuring window
 * @returns flows per second (0 for an empty window)
 */
export function perSecond(flows: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (flows * 1000) / elapsedMs : 0;
}

/**
 * A plain-text table with right-aligned numeric columns.
 *
 * @param headers - column titles
 * @param rows - cells; numbers are printed with `digits` decimals
 * @param digits - decimals for numbers (default 1)
 * @returns the table, lines joined by newlines
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[], digits = 1): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? (Number.isNaN(cell) ? '-' : cell.toFixed(digits)) : cell)));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[], numeric: readonly boolean[]): string =>
    row.map((cell, column) => (numeric[column] === true ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ');
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers, numeric), rule, ...cells.map((row) => line(row, numeric))].join('\n');
}
