import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { siblingModulePath } from '../utils/module-path.js';

/** A command running under the orphan watchdog (`watchdog.ts`). */
export interface WatchedProcess {
  /** The watchdog process: leader of its own process group, stdin a pipe we never write to. */
  readonly watchdog: ChildProcess;
  /** Pid of the watchdog (and of its process group). */
  readonly watchdogPid: number;
  /** Pid of the command itself. */
  readonly pid: number;
}

/**
 * How to start the watchdog from the calling code's form: `watchdog.ts` with
 * the tsx loader when running from TypeScript source, `watchdog.js` from
 * `dist/`. Node flags of this process are kept, minus inspector flags.
 *
 * @param moduleUrl - a module in the watchdog's directory (default: this one)
 * @param execArgv - this process's Node flags
 * @returns the script path and the Node flags to run it with
 */
export function watchdogCommand(
  moduleUrl: string = import.meta.url,
  execArgv: readonly string[] = process.execArgv,
): { script: string; nodeArgs: string[] } {
  const script = siblingModulePath(moduleUrl, './watchdog');
  const nodeArgs = execArgv.filter((arg) => !arg.startsWith('--inspect'));
  if (script.endsWith('.ts') && !nodeArgs.some((arg) => arg.includes('tsx'))) {
    // e.g. under vitest: load TypeScript through tsx, resolved from this package.
    const loader = createRequire(moduleUrl).resolve('tsx');
    nodeArgs.push('--import', pathToFileURL(loader).href);
  }
  return { script, nodeArgs };
}

interface WatchdogMessage {
  readonly type?: unknown;
  readonly pid?: unknown;
  readonly message?: unknown;
}

/**
 * Starts `command` under the watchdog, in a new process group (`detached`),
 * so a terminal Ctrl-C reaches only our process, which then stops it in
 * order; if our process dies the watchdog stops the command.
 *
 * @param command - the executable
 * @param args - its arguments
 * @returns the watchdog and the command's pid, once the command has started
 * @throws Error when the command cannot be started
 */
export function spawnWatched(command: string, args: readonly string[]): Promise<WatchedProcess> {
  const { script, nodeArgs } = watchdogCommand();
  const watchdog = spawn(process.execPath, [...nodeArgs, script, '--', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  // We never write to stdin; its closing (when we die) is the watchdog's signal.
  watchdog.stdin?.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      reject(new Error(`the watchdog for ${command} exited (${signal ?? `code ${String(code)}`}) before reporting a start`));
    };
    watchdog.once('error', reject);
    watchdog.once('exit', onExit);
    watchdog.on('message', (raw: WatchdogMessage) => {
      watchdog.off('exit', onExit);
      watchdog.off('error', reject);
      if (raw.type === 'spawned' && typeof raw.pid === 'number' && watchdog.pid !== undefined) {
        resolve({ watchdog, watchdogPid: watchdog.pid, pid: raw.pid });
      } else {
        reject(new Error(`could not start ${command}: ${typeof raw.message === 'string' ? raw.message : 'unknown error'}`));
      }
    });
  });
}

/**
 * Tells whether a process exists and is not a zombie (zombies are detected
 * through `/proc` on Linux; elsewhere signal 0 decides).
 *
 * @param pid - the process id
 * @returns true while the process runs
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}
