import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, cp, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/utils/logger.js';

/*
 * PGlite's initdb costs 6-9 s of CPU per fresh directory. Tests copy a migrated
 * template instead (~2 s); the template is keyed by the PGlite version and the
 * migration sources, so changing either builds a new one.
 */

const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

async function pglitePackageJson(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  while (!(await exists(path.join(dir, 'package.json')))) dir = path.dirname(dir);
  return path.join(dir, 'package.json');
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(await pglitePackageJson()));
  for (const name of (await readdir(MIGRATIONS_DIR)).sort()) {
    hash.update(name).update(await readFile(path.join(MIGRATIONS_DIR, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function buildTemplate(root: string): Promise<void> {
  const staging = `${root}.${randomUUID()}`;
  const database = await openDatabase({ dataDir: staging, logger: createLogger('silent', 'template') });
  await database.close();
  try {
    await rename(staging, root);
  } catch {
    // Another test process built it first.
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Fills `<dataDir>/pglite` with a copy of a migrated PGlite database.
 *
 * @param dataDir - the test's data dir (created if missing)
 */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  const root = path.join(tmpdir(), `pglite-template-${await templateKey()}`);
  if (!(await exists(path.join(root, 'pglite', 'PG_VERSION')))) await buildTemplate(root);
  await mkdir(dataDir, { recursive: true });
  await cp(path.join(root, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true, mode: constants.COPYFILE_FICLONE });
}
