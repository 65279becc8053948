import { pathToFileURL } from 'node:url';

/** How long one probe may take before it counts as a failure. */
export const HEALTHCHECK_TIMEOUT_MS = 4000;

/**
 * The URL the container health check probes: `HEALTHCHECK_URL` when set (the
 * worker sets it to its metrics endpoint), otherwise the API's `GET /healthz`
 * on `PORT`.
 *
 * @param env - the environment to read
 * @returns the URL to probe
 */
export function healthcheckUrl(env: NodeJS.ProcessEnv): string {
  const explicit = env.HEALTHCHECK_URL?.trim();
  if (explicit !== undefined && explicit !== '') return explicit;
  const port = env.PORT?.trim() ?? '';
  return `http://127.0.0.1:${port === '' ? '3000' : port}/healthz`;
}

/**
 * One GET of `url`: healthy when it answers 2xx within the timeout.
 *
 * @param url - what to probe
 * @param timeoutMs - the probe's deadline
 * @returns whether the target is healthy, and what was seen
 */
export async function probe(url: string, timeoutMs = HEALTHCHECK_TIMEOUT_MS): Promise<{ healthy: boolean; detail: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { healthy: response.ok, detail: `${url} answered ${response.status}` };
  } catch (error) {
    return { healthy: false, detail: `${url}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The image's `HEALTHCHECK` command (`node dist/tools/healthcheck.js`): exits
 * 0 when the probe is healthy, 1 otherwise, and prints what it saw. Node is in
 * the image, so no curl or wget is needed.
 */
export async function runHealthcheck(): Promise<void> {
  const result = await probe(healthcheckUrl(process.env));
  (result.healthy ? process.stdout : process.stderr).write(`${result.detail}\n`);
  process.exitCode = result.healthy ? 0 : 1;
}

// Run only as a script; importing it (the tests) runs nothing. Kept free of the
// service's modules so a probe every few seconds stays cheap.
const script = process.argv[1];
if (script !== undefined && import.meta.url === pathToFileURL(script).href) await runHealthcheck();
