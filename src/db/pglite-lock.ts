import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

/** Name of the lock file inside the PGlite directory. */
export const PGLITE_LOCK_FILE = 'pglite.lock';

/** Another live process has the PGlite directory open. */
export class DatabaseInUseError extends Error {
  /**
   * @param directory - the PGlite directory
   * @param pid - the process holding it
   */
  constructor(
    readonly directory: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${directory} is in use by process ${pid}; ` +
        'set DATABASE_URL to share a database between processes',
    );
    this.name = 'DatabaseInUseError';
  }
}

/** A held lock on a PGlite directory. */
export interface PgliteLock {
  /** Absolute path of the lock file. */
  readonly path: string;
  /** Removes the lock file if it is still ours; idempotent. */
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  /** Start time of the process (Linux clock ticks since boot), when known. */
  readonly startTime: string | undefined;
}

/** Lock files this process holds, so a second open in-process is refused too. */
const held = new Set<string>();

/** Start time of a process from `/proc/<pid>/stat`; undefined where `/proc` is missing. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) " start at field 3; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function parseHolder(content: string): Holder | undefined {
  const [pidLine = '', startLine = ''] = content.split('\n');
  const pid = Number(pidLine.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, startTime: startLine.trim() === '' ? undefined : startLine.trim() };
}

/** A pid may have been reused (container restarts): compare start times where we can. */
async function isAlive(holder: Holder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.startTime === undefined) return true;
  const current = await startTimeOf(holder.pid);
  return current === undefined || current === holder.startTime;
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `file` as a hard link to `source` (atomic, content included); false if it exists. */
async function createExclusive(file: string, source: string): Promise<boolean> {
  try {
    await link(source, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function isHeldByLiveProcess(content: string): Promise<Holder | undefined> {
  const holder = parseHolder(content);
  return holder !== undefined && (await isAlive(holder)) ? holder : undefined;
}

/**
 * Deletes a stale lock. Only the holder of a second, short-lived "takeover"
 * lock may delete the main one, and only if it still holds the stale content,
 * so racing takers-over never delete each other's fresh lock.
 *
 * @returns false when another process is taking over (try again shortly)
 */
async function removeStale(lockPath: string, staleContent: string, source: string, logger: Logger): Promise<boolean> {
  const takeover = `${lockPath}.takeover`;
  if (!(await createExclusive(takeover, source))) {
    const other = await readOrUndefined(takeover);
    // A taker-over that died half-way (rare) leaves its file behind: clear it.
    if (other !== undefined && (await isHeldByLiveProcess(other)) === undefined) await rm(takeover, { force: true });
    return false;
  }
  try {
    if ((await readOrUndefined(lockPath)) === staleContent) {
      logger.warn({ lockPath, stalePid: parseHolder(staleContent)?.pid }, 'taking over a stale embedded database lock');
      await rm(lockPath, { force: true });
    }
  } finally {
    await rm(takeover, { force: true });
  }
  return true;
}

/**
 * Takes the single-process lock of a PGlite directory: a file holding this
 * process's pid (and start time), created atomically. A lock left by a dead
 * process (e.g. after `kill -9`) is taken over.
 *
 * @param directory - the PGlite data directory (must exist)
 * @param logger - told when a stale lock is taken over
 * @returns the held lock
 * @throws DatabaseInUseError when a live process holds the lock
 */
export async function acquirePgliteLock(directory: string, logger: Logger): Promise<PgliteLock> {
  const lockPath = path.resolve(directory, PGLITE_LOCK_FILE);
  if (held.has(lockPath)) throw new DatabaseInUseError(directory, process.pid);
  const content = `${process.pid}\n${(await startTimeOf(process.pid)) ?? ''}\n`;
  const candidate = `${lockPath}.${randomUUID()}.tmp`;
  await writeFile(candidate, content);
  try {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      if (await createExclusive(lockPath, candidate)) return holdLock(lockPath, content);
      const existing = await readOrUndefined(lockPath);
      if (existing === undefined) continue;
      const holder = await isHeldByLiveProcess(existing);
      if (holder !== undefined) throw new DatabaseInUseError(directory, holder.pid);
      if (!(await removeStale(lockPath, existing, candidate, logger))) await sleep(20);
    }
    throw new Error(`Could not take the lock ${lockPath} within 5 s`);
  } finally {
    await rm(candidate, { force: true });
  }
}

function holdLock(lockPath: string, content: string): PgliteLock {
  held.add(lockPath);
  // If the process exits without close(), drop the lock on the way out.
  const onExit = (): void => {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    path: lockPath,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      held.delete(lockPath);
      if ((await readOrUndefined(lockPath)) === content) await rm(lockPath, { force: true });
    },
  };
}
