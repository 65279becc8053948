import type { LoadResult, Recorder } from './load.js';
import { formatTable, perSecond, ratio } from './stats.js';

/** One load phase as reported. */
export interface PhaseResult extends LoadResult {
  readonly flowsPerSecond: number;
  readonly routes: ReturnType<Recorder['report']>;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly startedAt: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  readonly settings: { durationSeconds: number; concurrencies: number[]; mode: string; temporal: string; database: string };
  readonly signIn: PhaseResult[];
  readonly approvals: PhaseResult[];
  readonly baseline: PhaseResult[];
  readonly peakRssMb: { api: number; worker: number };
  readonly startup?: { workerWithBundleMs: number; workerWithoutBundleMs: number; npmStartColdMs: number; npmStartWarmMs: number };
}

/**
 * Adds the rate and the route figures to a load result.
 *
 * @param result - what the closed loop measured
 * @param recorder - the phase's recorder
 * @returns the phase as reported
 */
export function phase(result: LoadResult, recorder: Recorder): PhaseResult {
  return { ...result, flowsPerSecond: perSecond(result.flows, result.elapsedMs), routes: recorder.report() };
}

/**
 * The short table `npm run bench` prints.
 *
 * @param results - the run's figures
 * @returns printable text
 */
export function renderReport(results: BenchResults): string {
  const throughput = results.signIn.map((signIn, index) => {
    const base = results.baseline[index];
    const approvals = results.approvals[index];
    const errors = signIn.failedFlows + (approvals?.failedFlows ?? 0);
    const r = ratio(signIn.flowsPerSecond, base?.flowsPerSecond ?? 0);
    return [String(signIn.concurrency), signIn.flowsPerSecond, base?.flowsPerSecond ?? Number.NaN, r === undefined ? '-' : `${r.toFixed(2)}x`, approvals?.flowsPerSecond ?? Number.NaN, String(errors)];
  });
  const latency = [...results.signIn, ...results.approvals, ...results.baseline].flatMap((p) =>
    p.routes.map((route) => [route.route, String(p.concurrency), route.latency.p50, route.latency.p95, route.latency.p99, String(route.latency.count), String(route.errors)]),
  );
  const parts = [
    `npm run bench — ${results.settings.mode} processes, ${results.settings.durationSeconds} s per phase, ${results.machine.cpus} cores, Node ${results.machine.node}`,
    '',
    formatTable(['conc', 'sign-in flows/s', 'baseline flows/s', 'ratio', 'approval flows/s', 'errors'], throughput, 1),
    '',
    formatTable(['route (ms)', 'conc', 'p50', 'p95', 'p99', 'count', 'errors'], latency, 1),
    '',
    `peak RSS: API ${results.peakRssMb.api.toFixed(0)} MB, worker ${results.peakRssMb.worker.toFixed(0)} MB${results.settings.mode === 'single' ? ' (one process)' : ''}`,
  ];
  if (results.startup !== undefined) {
    const s = results.startup;
    parts.push(
      `worker start to first poll: ${s.workerWithBundleMs.toFixed(0)} ms with the prebuilt bundle, ${s.workerWithoutBundleMs.toFixed(0)} ms without`,
      `npm start to /readyz: ${s.npmStartColdMs.toFixed(0)} ms cold (empty DATA_DIR), ${s.npmStartWarmMs.toFixed(0)} ms warm`,
    );
  }
  return parts.join('\n');
}
