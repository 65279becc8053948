/**
 * `npm run record-histories`: runs every workflow path of the real workflow
 * code (`src/workflows/index.ts`) on the time-skipping test server, with the
 * real activities (temp PGlite, dev outbox, a local webhook receiver), and
 * writes each execution's history to `tests/fixtures/histories/<path>.json`
 * (the JSON `temporal workflow show --output json` writes). `npm test`
 * replays them (`tests/replay/replay.test.ts`).
 *
 * Usage: npm run record-histories [-- <path name> ...]   (default: all paths)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { historyToJSON } from './history-json.js';
import { approvalPaths } from './approval-paths.js';
import { ALL_PATHS, HISTORY_DIR } from './histories.js';
import { startRecorder, type Recorder } from './recorder.js';
import { signInPaths } from './sign-in-paths.js';

const paths: Record<string, (recorder: Recorder, workflowId: string) => Promise<void>> = { ...signInPaths, ...approvalPaths };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !ALL_PATHS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown path(s): ${unknown.join(', ')}; known: ${ALL_PATHS.join(', ')}\n`);
  process.exit(2);
}

// The SDK's own logs (bundler, worker states) only from warnings up: the output lists what was written.
Runtime.install({ logger: new DefaultLogger('WARN') });
await mkdir(HISTORY_DIR, { recursive: true });
const recorder = await startRecorder();
let failed = false;
try {
  for (const name of wanted.length > 0 ? wanted : ALL_PATHS) {
    const run = paths[name];
    if (run === undefined) throw new Error(`no driver for ${name}`);
    await run(recorder, name);
    const history = await recorder.history(name);
    const json = `${historyToJSON(history)}\n`;
    const file = path.join(HISTORY_DIR, `${name}.json`);
    await writeFile(file, json);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${history.events?.length ?? 0} events, ${Buffer.byteLength(json)} bytes)\n`);
  }
} catch (error) {
  failed = true;
  process.stderr.write(`recording failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await recorder.stop();
}
process.exit(failed ? 1 : 0);
