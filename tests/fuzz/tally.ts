import type { ObservedResponse } from './response-checker.js';
import type { FuzzRequest } from './request-arbitrary.js';

/** A request, its response and what was wrong with it. */
export interface Exchange {
  readonly request: FuzzRequest;
  readonly response: ObservedResponse;
  readonly problems: readonly string[];
}

const clip = (text: string, max = 300): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/**
 * A request as text one can replay: method, URL, headers and body, long parts clipped.
 *
 * @param request - the request
 * @returns one line
 */
export function describeRequest(request: FuzzRequest): string {
  return `${request.method} ${clip(request.url, 200)} headers=${clip(JSON.stringify(request.headers), 200)} body=${clip(JSON.stringify(request.payload ?? null))}`;
}

/** Counts of a run: requests per operation and status, 5xx, and every exchange that broke the document or the contract. */
export class Tally {
  requests = 0;
  readonly perOperation = new Map<string, number>();
  readonly perStatus = new Map<number, number>();
  readonly perOperationStatus = new Map<string, Map<number, number>>();
  readonly serverErrors: Exchange[] = [];
  readonly mismatches: Exchange[] = [];

  /** @param name - what this tally counts (printed) */
  constructor(readonly name: string) {}

  /**
   * Records one exchange.
   *
   * @param exchange - the request, response and problems
   */
  record(exchange: Exchange): void {
    const { request, response, problems } = exchange;
    this.requests += 1;
    this.perOperation.set(request.op, (this.perOperation.get(request.op) ?? 0) + 1);
    this.perStatus.set(response.status, (this.perStatus.get(response.status) ?? 0) + 1);
    const statuses = this.perOperationStatus.get(request.op) ?? new Map<number, number>();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    this.perOperationStatus.set(request.op, statuses);
    if (response.status >= 500) this.serverErrors.push(exchange);
    if (problems.length > 0) this.mismatches.push(exchange);
  }

  /**
   * The counts as a printable report, with the first offending exchanges in full.
   *
   * @param extra - lines to add at the top (seed, duration)
   * @returns the report
   */
  report(extra: readonly string[] = []): string {
    const sorted = <K>(map: Map<K, number>): string =>
      [...map.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([key, count]) => `${String(key)}: ${count}`).join(', ');
    const lines = [
      `== ${this.name} ==`,
      ...extra,
      `requests sent: ${this.requests}`,
      `5xx responses: ${this.serverErrors.length}`,
      `schema/contract mismatches: ${this.mismatches.length}`,
      `per status: ${sorted(this.perStatus)}`,
      'per operation:',
      ...[...this.perOperation.keys()].sort().map((op) => `  ${op}  total ${this.perOperation.get(op) ?? 0}  (${sorted(this.perOperationStatus.get(op) ?? new Map<number, number>())})`),
    ];
    for (const exchange of [...this.serverErrors, ...this.mismatches].slice(0, 10)) {
      lines.push(`  ! ${describeRequest(exchange.request)}`);
      lines.push(`    -> ${exchange.response.status} ${clip(exchange.response.body)}`);
      for (const problem of exchange.problems) lines.push(`    * ${problem}`);
    }
    return lines.join('\n');
  }
}
