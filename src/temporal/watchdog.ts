/**
 * Orphan watchdog: `node watchdog.js -- <command> [args...]`.
 *
 * Runs `<command>` as its child and ties its life to the parent process's:
 * the parent spawns the watchdog with a stdin pipe it never writes to, so
 * stdin reaches EOF exactly when the parent is gone, for whatever reason
 * (including `kill -9`). Then the child gets SIGTERM, and SIGKILL after a
 * grace period. SIGINT/SIGTERM/SIGHUP received by the watchdog are forwarded,
 * and the watchdog exits with the child's exit code (128 + signal number when
 * the child died of a signal). With an IPC channel (`stdio[3] = 'ipc'`) it
 * reports `{ type: 'spawned', pid }` or `{ type: 'error', message }` and
 * disconnects.
 *
 * Note: with stdin at EOF from the start (e.g. `</dev/null`) the child is
 * stopped at once; that is the design.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The message sent to the parent over IPC, if there is a channel. */
type WatchdogReport = { type: 'spawned'; pid: number } | { type: 'error'; message: string };

const graceMs = Number(process.env.WATCHDOG_GRACE_MS ?? '') || 5000;
const separator = process.argv.indexOf('--', 2);
const [command, ...args] = separator === -1 ? [] : process.argv.slice(separator + 1);

// The parent may be gone: never let a broken stdout/stderr pipe crash us before the child is down.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

function report(message: WatchdogReport, then: () => void): void {
  if (process.send === undefined || !process.connected) {
    then();
    return;
  }
  process.send(message, (error: Error | null) => {
    if (error !== null) process.stderr.write(`watchdog: could not report to parent: ${error.message}\n`);
    then();
  });
}

if (command === undefined) {
  process.stderr.write('usage: watchdog -- <command> [args...]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let spawned = false;
let parentGone = false;

child.once('spawn', () => {
  spawned = true;
  report({ type: 'spawned', pid: child.pid ?? -1 }, () => {
    if (process.connected) process.disconnect();
  });
});

child.on('error', (error) => {
  if (spawned) return; // a failed kill(); the exit handler still decides
  report({ type: 'error', message: `${command}: ${error.message}` }, () => process.exit(127));
});

child.once('exit', (code, signal) => {
  const signalNumber = signal === null ? 0 : (constants.signals[signal] ?? 0);
  process.exit(code ?? 128 + signalNumber);
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}

/** The parent is gone: stop the child, forcefully after the grace period. */
function onParentGone(): void {
  if (parentGone) return;
  parentGone = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), graceMs);
}

process.stdin.on('data', () => undefined);
process.stdin.once('end', onParentGone);
process.stdin.once('close', onParentGone);
process.stdin.once('error', onParentGone);
process.stdin.resume();
