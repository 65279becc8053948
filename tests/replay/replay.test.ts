import { readdir } from 'node:fs/promises';
import { DefaultLogger, Worker, bundleWorkflowCode, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { siblingModulePath } from '../../src/utils/module-path.js';
import { ALL_PATHS, HISTORY_DIR, loadHistories, type RecordedHistory } from './histories.js';

// Every recorded path (tests/fixtures/histories, `npm run record-histories`) replayed against the
// current workflow code: a change that would break running executions fails here.

const bundles: { current?: WorkflowBundleWithSourceMap; drifted?: WorkflowBundleWithSourceMap } = {};

/** Bundles once per module (replaying with `workflowsPath` would bundle on every call). */
const bundle = (relativeWithoutExtension: string) =>
  bundleWorkflowCode({ workflowsPath: siblingModulePath(import.meta.url, relativeWithoutExtension), logger: new DefaultLogger('WARN') });

beforeAll(async () => {
  bundles.current = await bundle('../../src/workflows/index');
  bundles.drifted = await bundle('../fixtures/drifted-workflows');
}, 300_000);

async function replay(workflowBundle: WorkflowBundleWithSourceMap | undefined, histories: RecordedHistory[]): Promise<ReplayResult[]> {
  if (workflowBundle === undefined) throw new Error('not bundled');
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'replay-test' }, histories)) results.push(result);
  return results;
}

describe('replay of recorded workflow histories', () => {
  it('has a recorded history for every workflow path', async () => {
    const names = (await readdir(HISTORY_DIR)).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length));
    // Older histories may stay next to these (kept while executions recorded with older code run).
    expect(ALL_PATHS.filter((name) => !names.includes(name))).toEqual([]);
    expect(ALL_PATHS).toHaveLength(10);
  });

  it('replays every recorded history with the current workflow code', async () => {
    const histories = await loadHistories();
    expect(histories.length).toBeGreaterThanOrEqual(ALL_PATHS.length);
    const results = await replay(bundles.current, histories);
    expect(results.map((result) => result.workflowId)).toEqual(histories.map((history) => history.workflowId));
    const failures = results.flatMap((result) => (result.error === undefined ? [] : [`${result.workflowId}.json: ${result.error.name}: ${result.error.message}`]));
    expect(failures).toEqual([]);
  }, 180_000);

  // The drifted copies add a timer: sign-in before its first command, approval after its last, so
  // every path failing also shows that each history is replayed up to its completion.
  it('fails with a DeterminismViolationError on every path when the command order changed (negative control)', async () => {
    const histories = await loadHistories(ALL_PATHS);
    const results = await replay(bundles.drifted, histories);
    expect(results.map((result) => result.workflowId)).toEqual(histories.map((history) => history.workflowId));
    const notDetected = results.filter((result) => !(result.error instanceof DeterminismViolationError)).map((result) => result.workflowId);
    expect(notDetected).toEqual([]);
  }, 180_000);
});
