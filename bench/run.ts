import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveTemporalCli } from '../src/temporal/binaries.js';
import { startDevServer, type DevServer } from '../src/temporal/dev-server.js';
import { findFreePort } from '../src/temporal/ports.js';
import { startBaseline } from './baseline.js';
import { approvalFlow, signInFlow, type ApprovalPeople, type FlowContext } from './flows.js';
import { Recorder, runClosedLoop } from './load.js';
import { peakRssMb } from './processes.js';
import { startProductStack } from './product-stack.js';
import { phase, renderReport, type BenchResults, type PhaseResult } from './report.js';
import { measureNpmStart, measureWorkerStartup } from './startup.js';

const durationSeconds = Number(process.env.BENCH_DURATION_S ?? '20');
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const databaseUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL;
const runId = randomBytes(3).toString('hex');

/**
 * `npm run bench`: builds, starts (or uses) Temporal, measures the product's
 * sign-in and approval flows and the bare-Temporal baseline at each
 * concurrency, then start-up times; prints a table and writes the figures to
 * `bench/results/<time>.json`.
 */
async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const built = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed\n${built.stderr}`);
  const root = await mkdtemp(join(tmpdir(), 'bench-'));
  const cli = await resolveTemporalCli({ allowSdkDownload: false });
  if (cli.path === undefined) throw new Error('no Temporal CLI');
  let server: DevServer | undefined;
  if (process.env.TEMPORAL_ADDRESS === undefined || process.env.TEMPORAL_ADDRESS === '') {
    const [port, uiPort] = [await findFreePort(), await findFreePort()];
    server = await startDevServer({ cliPath: cli.path, dataDir: root, port, uiPort, namespace: 'default', logger: pino({ level: 'silent' }) });
  }
  const address = server?.address ?? process.env.TEMPORAL_ADDRESS ?? '';
  const duration = durationSeconds * 1000;
  try {
    const product = await startProductStack({ temporalAddress: address, databaseUrl, root, taskQueue: `bench-${runId}` });
    const signIn: PhaseResult[] = [];
    const approvals: PhaseResult[] = [];
    let peak = { api: Number.NaN, worker: Number.NaN };
    try {
      const warm: FlowContext = { base: product.base, smtp: product.smtp, recorder: new Recorder() };
      const email = (name: string): string => `${name}-${runId}@bench.example`;
      for (let i = 0; i < 5; i += 1) await signInFlow(warm, email(`warm${i}`));
      const people: ApprovalPeople = {
        requester: await signInFlow(warm, email('requester')),
        approvers: [
          { email: email('ann'), token: await signInFlow(warm, email('ann')) },
          { email: email('bob'), token: await signInFlow(warm, email('bob')) },
        ],
      };
      for (const c of concurrencies) {
        const recorder = new Recorder();
        const context = { ...warm, recorder };
        const result = await runClosedLoop(c, duration, async (loop, i) => void (await signInFlow(context, email(`s${c}-${loop}-${i}`))));
        signIn.push(phase(result, recorder));
        const approvalRecorder = new Recorder();
        const approvalContext = { ...warm, recorder: approvalRecorder };
        approvals.push(phase(await runClosedLoop(c, duration, (loop, i) => approvalFlow(approvalContext, people, `bench ${c}/${loop}/${i}`)), approvalRecorder));
        process.stdout.write(`concurrency ${c}: ${signIn.at(-1)?.flows ?? 0} sign-ins, ${approvals.at(-1)?.flows ?? 0} approvals\n`);
      }
      peak = { api: peakRssMb(product.api.child.pid), worker: peakRssMb(product.worker.child.pid) };
    } finally {
      await product.stop();
    }

    const baselineRuns: PhaseResult[] = [];
    const baseline = await startBaseline(address, `bench-baseline-${runId}`);
    try {
      for (let i = 0; i < 5; i += 1) await baseline.flow(new Recorder(), `warm-${runId}-${i}`);
      for (const c of concurrencies) {
        const recorder = new Recorder();
        baselineRuns.push(phase(await runClosedLoop(c, duration, (loop, i) => baseline.flow(recorder, `b-${runId}-${c}-${loop}-${i}`)), recorder));
        process.stdout.write(`baseline concurrency ${c}: ${baselineRuns.at(-1)?.flows ?? 0} flows\n`);
      }
    } finally {
      await baseline.stop();
    }

    let startup: BenchResults['startup'];
    if (process.env.BENCH_SKIP_STARTUP !== '1') {
      const workerEnv = { TEMPORAL_ADDRESS: address, ...(databaseUrl === undefined ? { DATA_DIR: join(root, 'startup-worker') } : { DATABASE_URL: databaseUrl }) };
      const worker = await measureWorkerStartup(workerEnv);
      const npmStart = await measureNpmStart(root);
      startup = { workerWithBundleMs: worker.withBundle, workerWithoutBundleMs: worker.withoutBundle, npmStartColdMs: npmStart.cold, npmStartWarmMs: npmStart.warm };
    }

    const results: BenchResults = {
      startedAt,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
      settings: {
        durationSeconds,
        concurrencies,
        mode: databaseUrl === undefined ? 'single' : 'separate',
        temporal: server === undefined ? 'TEMPORAL_ADDRESS' : 'dev server started by the bench',
        database: databaseUrl === undefined ? 'PGlite' : 'PostgreSQL (DATABASE_URL)',
      },
      signIn,
      approvals,
      baseline: baselineRuns,
      peakRssMb: peak,
      ...(startup === undefined ? {} : { startup }),
    };
    await mkdir('bench/results', { recursive: true });
    const file = join('bench/results', `${startedAt.replaceAll(':', '-')}.json`);
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\n${renderReport(results)}\n\nfigures written to ${file}\n`);
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
