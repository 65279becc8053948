import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Lists every live descendant of a process, read from /proc (Linux).
 *
 * @param root - the ancestor pid
 * @returns the descendants' pids (not the root itself)
 */
export function descendantsOf(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const [pid, ppid] of parents) {
      if (ppid === current && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/**
 * Polls until `check` returns a truthy value or the time runs out.
 *
 * @param check - the condition, may be async
 * @param timeoutMs - how long to wait
 * @param what - named in the timeout error
 * @returns the first truthy value
 */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
}

/**
 * @param pid - a process id
 * @returns its command line with arguments separated by spaces, or '' once it is gone
 */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Kills a process and all its descendants with SIGKILL (a crash, as `kill -9` of a tree).
 *
 * @param root - the tree's root process id
 */
export function killTree(root: number): void {
  for (const pid of [root, ...descendantsOf(root)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A child process whose output the test reads. */
export interface CapturedProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/**
 * Spawns a process with extra environment variables, capturing its output,
 * and records it in `registry` so the test's `afterAll` can kill leftovers.
 *
 * @param command - the executable
 * @param args - its arguments
 * @param env - variables added to this process's environment
 * @param registry - where the child is recorded
 * @param cwd - its working directory (default: this process's)
 * @returns the running process
 */
export function spawnCaptured(command: string, args: readonly string[], env: NodeJS.ProcessEnv, registry: ChildProcess[], cwd?: string): CapturedProcess {
  let output = '';
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  registry.push(child);
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}
