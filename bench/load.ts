import { summarize, type LatencySummary } from './stats.js';

/** Collects per-route latencies and error counts during one load phase. */
export class Recorder {
  private readonly samples = new Map<string, number[]>();
  private readonly failures = new Map<string, number>();

  /**
   * Times one call and files it under `route`; a throw counts as an error and is rethrown.
   *
   * @param route - e.g. `POST /auth/verify`
   * @param call - the work to time
   * @returns what the call returned
   */
  async time<T>(route: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.add(this.samples, route, performance.now() - started);
      return result;
    } catch (error) {
      this.failures.set(route, (this.failures.get(route) ?? 0) + 1);
      throw error;
    }
  }

  /** @returns per-route latency summaries and error counts, routes sorted by name */
  report(): { route: string; latency: LatencySummary; errors: number }[] {
    const routes = [...new Set([...this.samples.keys(), ...this.failures.keys()])].sort();
    return routes.map((route) => ({ route, latency: summarize(this.samples.get(route) ?? []), errors: this.failures.get(route) ?? 0 }));
  }

  private add(map: Map<string, number[]>, route: string, value: number): void {
    const list = map.get(route);
    if (list === undefined) map.set(route, [value]);
    else list.push(value);
  }
}

/** The outcome of {@link runClosedLoop}. */
export interface LoadResult {
  readonly concurrency: number;
  readonly elapsedMs: number;
  readonly flows: number;
  readonly failedFlows: number;
  /** The first few flow errors, for the report. */
  readonly sampleErrors: string[];
}

/**
 * Closed-loop load: `concurrency` loops each run `flow` back to back until
 * `durationMs` has passed; flows still running then are awaited and counted.
 *
 * @param concurrency - parallel loops
 * @param durationMs - how long new flows are started
 * @param flow - one complete flow; `loop` and `iteration` make unique inputs
 * @returns counts and the measured window
 */
export async function runClosedLoop(
  concurrency: number,
  durationMs: number,
  flow: (loop: number, iteration: number) => Promise<void>,
): Promise<LoadResult> {
  let flows = 0;
  let failedFlows = 0;
  const sampleErrors: string[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (index: number): Promise<void> => {
    for (let iteration = 0; performance.now() < deadline; iteration += 1) {
      try {
        await flow(index, iteration);
        flows += 1;
      } catch (error) {
        failedFlows += 1;
        if (sampleErrors.length < 5) sampleErrors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => loop(index)));
  return { concurrency, elapsedMs: performance.now() - started, flows, failedFlows, sampleErrors };
}
