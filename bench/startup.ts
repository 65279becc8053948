import { randomBytes } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../src/temporal/ports.js';
import { answers200, spawnKept, until } from './processes.js';

const BUNDLE = 'dist/workflow-bundle.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Milliseconds from spawning `node dist/worker.js` to its `worker polling` log line (the line's own timestamp). */
async function workerStartOnce(env: NodeJS.ProcessEnv): Promise<number> {
  const spawnedAt = Date.now();
  const worker = spawnKept(process.execPath, ['dist/worker.js'], env);
  try {
    await until(() => worker.output().includes('"worker polling"'), 120_000, 'the worker to poll', worker);
    const line = worker.output().split('\n').find((text) => text.includes('"worker polling"')) ?? '';
    const { time } = JSON.parse(line) as { time: number };
    return time - spawnedAt;
  } finally {
    await worker.stop();
  }
}

/**
 * Worker start to first poll, with the prebuilt bundle and without it (the
 * bundle moved aside, so the worker bundles at start), median of `runs`
 * after one discarded warm-up start.
 *
 * @param env - worker environment (Temporal address, database)
 * @param runs - measured starts per variant
 * @returns both medians in ms
 */
export async function measureWorkerStartup(env: NodeJS.ProcessEnv, runs = 3): Promise<{ withBundle: number; withoutBundle: number }> {
  const full = { NODE_ENV: 'production', AUTH_SECRET: randomBytes(32).toString('base64url'), TEMPORAL_TASK_QUEUE: 'bench-startup', ...env };
  await workerStartOnce(full);
  const withBundle: number[] = [];
  for (let i = 0; i < runs; i += 1) withBundle.push(await workerStartOnce(full));
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
  const aside = `${BUNDLE}.aside`;
  renameSync(BUNDLE, aside);
  const withoutBundle: number[] = [];
  try {
    for (let i = 0; i < runs; i += 1) withoutBundle.push(await workerStartOnce(full));
  } finally {
    renameSync(aside, BUNDLE);
  }
  return { withBundle: median(withBundle), withoutBundle: median(withoutBundle) };
}

/**
 * `npm start` from launch to `/readyz` = 200: once on an empty `DATA_DIR`
 * (cold: PGlite's initdb, a new Temporal database), once again on the same
 * directory (warm). Each run is stopped with SIGINT.
 *
 * @param root - a scratch directory
 * @returns cold and warm times in ms
 */
export async function measureNpmStart(root: string): Promise<{ cold: number; warm: number }> {
  const dataDir = join(root, 'npm-start');
  const once = async (): Promise<number> => {
    const [api, temporal, ui] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const env = { DATA_DIR: dataDir, PORT: String(api), TEMPORAL_DEV_SERVER_PORT: String(temporal), TEMPORAL_DEV_UI_PORT: String(ui), TEMPORAL_ADDRESS: '', DATABASE_URL: '' };
    const started = performance.now();
    const stack = spawnKept('npm', ['start', '--silent'], env);
    try {
      await until(() => answers200(`http://127.0.0.1:${api}/readyz`), 180_000, 'npm start to be ready', stack);
      return performance.now() - started;
    } finally {
      stack.child.kill('SIGINT');
      await stack.stop();
    }
  };
  const cold = await once();
  const warm = await once();
  return { cold, warm };
}
