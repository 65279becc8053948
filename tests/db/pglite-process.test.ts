import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseInUseError } from '../../src/db/pglite-lock.js';
import { findUserByEmail } from '../../src/db/users-repository.js';
import { testEngines, type EngineContext } from './engines.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/hold-pglite.ts', import.meta.url));

/** Starts the fixture and resolves once it holds the database and wrote its user. */
async function startHolder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}: ${stderr}`)));
  });
  return child;
}

describe('PGlite shared by two processes', () => {
  const [pglite] = testEngines();
  let context: EngineContext;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    context = await pglite!.prepare('pglite-process');
  });

  afterAll(async () => {
    holder?.kill('SIGKILL');
    await context?.cleanup();
  });

  it('refuses a second process, then takes over after kill -9 with no committed row lost', async () => {
    holder = await startHolder(context.options.dataDir);
    const pid = holder.pid;

    const refused = context.open();
    await expect(refused).rejects.toBeInstanceOf(DatabaseInUseError);
    await expect(refused).rejects.toThrow(`in use by process ${pid}`);

    const exited = new Promise((resolve) => holder?.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;

    const database = await context.open();
    try {
      const lockFile = path.join(context.options.dataDir, 'pglite', 'pglite.lock');
      expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
      expect(await findUserByEmail(database.db, 'survivor@example.com')).toBeDefined();
    } finally {
      await database.close();
    }
  });
});
