import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquirePgliteLock, DatabaseInUseError, PGLITE_LOCK_FILE } from '../../src/db/pglite-lock.js';
import { testLogger } from './engines.js';

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('PGlite directory lock', () => {
  let directory: string;
  let lockFile: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'pglite-lock-'));
    lockFile = path.join(directory, PGLITE_LOCK_FILE);
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes this pid into the lock file and removes it on release', async () => {
    const lock = await acquirePgliteLock(directory, testLogger);
    expect(lock.path).toBe(lockFile);
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
    await lock.release();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a second lock in the same process until the first is released', async () => {
    const lock = await acquirePgliteLock(directory, testLogger);
    await expect(acquirePgliteLock(directory, testLogger)).rejects.toBeInstanceOf(DatabaseInUseError);
    await lock.release();
    await (await acquirePgliteLock(directory, testLogger)).release();
  });

  it('refuses a lock held by another live process, naming it and DATABASE_URL', async () => {
    await writeFile(lockFile, `${process.ppid}\n`);
    const attempt = acquirePgliteLock(directory, testLogger);
    await expect(attempt).rejects.toThrow(`is in use by process ${process.ppid}`);
    await expect(attempt).rejects.toThrow('set DATABASE_URL to share a database between processes');
    expect(await readFile(lockFile, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a lock left by a dead process', async () => {
    await writeFile(lockFile, `${await deadPid()}\n`);
    const lock = await acquirePgliteLock(directory, testLogger);
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to a different process (pid reuse)', async () => {
    await writeFile(lockFile, `${process.ppid}\n1\n`);
    const lock = await acquirePgliteLock(directory, testLogger);
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
  });

  it('takes over an unreadable lock file', async () => {
    await writeFile(lockFile, 'garbage');
    const lock = await acquirePgliteLock(directory, testLogger);
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
  });

  it('lets exactly one of many racing takeovers of a stale lock win', async () => {
    const stale = `${await deadPid()}\n`;
    for (let round = 0; round < 10; round += 1) {
      await writeFile(lockFile, stale);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquirePgliteLock(directory, testLogger)));
      const winners = results.filter((result) => result.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const winner of winners) await winner.value.release();
    }
  });

  it('clears a takeover file left by a process that died while taking over', async () => {
    const dead = await deadPid();
    await writeFile(lockFile, `${dead}\n`);
    await writeFile(`${lockFile}.takeover`, `${dead}\n`);
    const lock = await acquirePgliteLock(directory, testLogger);
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
  });

  it('does not delete a lock that someone else holds when released late', async () => {
    const lock = await acquirePgliteLock(directory, testLogger);
    await writeFile(lockFile, `${process.ppid}\n`);
    await lock.release();
    expect(await readFile(lockFile, 'utf8')).toBe(`${process.ppid}\n`);
  });
});
