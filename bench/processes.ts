import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A child process whose output is kept for readiness checks and error reports. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly startedAt: number;
  output(): string;
  /** Sends SIGTERM and waits up to 15 s for the exit (SIGKILL after). */
  stop(): Promise<void>;
}

/**
 * Spawns a process with extra environment, capturing stdout and stderr.
 *
 * @param command - the executable
 * @param args - its arguments
 * @param env - variables added to this process's environment
 * @returns the running process
 */
export function spawnKept(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Spawned {
  let output = '';
  const startedAt = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the tail only: under load an info-level process logs a lot.
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    startedAt,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls until `check` holds.
 *
 * @param check - the condition
 * @param timeoutMs - give up after this long
 * @param what - named in the error
 * @param process - whose output to show when it fails
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, process?: Spawned): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (process !== undefined && process.child.exitCode !== null) {
      throw new Error(`${what}: the process exited (${process.child.exitCode})\n${process.output().slice(-2000)}`);
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}\n${process?.output().slice(-2000) ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Whether an HTTP GET answers 200.
 *
 * @param url - what to get
 * @returns true on 200
 */
export async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The peak resident set size of a live process (`VmHWM` in `/proc`).
 *
 * @param pid - the process
 * @returns megabytes, or NaN when unreadable
 */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}
