import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { siblingModulePath } from '../utils/module-path.js';

/** Where `npm run build` puts the prebuilt workflow bundle (next to `dist/worker.js`, which finds it there). */
export const WORKFLOW_BUNDLE_FILE = 'dist/workflow-bundle.js';

/**
 * `npm run build` (second step): bundles `src/workflows/index.ts` once, so
 * production workers load the bundle instead of running webpack at start.
 *
 * @param outFile - the bundle's path (default {@link WORKFLOW_BUNDLE_FILE})
 * @returns the path written
 */
export async function writeWorkflowBundle(outFile = WORKFLOW_BUNDLE_FILE): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: siblingModulePath(import.meta.url, '../workflows/index') });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

process.stdout.write(`workflow bundle written to ${await writeWorkflowBundle(process.argv[2])}\n`);
