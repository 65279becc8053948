import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The Compose Specification's JSON schema, as shipped in the pinned
 * `github.com/compose-spec/compose-go/v2` module (the loader Docker Compose
 * itself uses). It comes from the Go module proxy, checked against this
 * SHA-256 of the module zip, and is cached in `.cache/compose-spec/`.
 */
export const COMPOSE_GO = {
  module: 'github.com/compose-spec/compose-go/v2',
  version: 'v2.16.2',
  zipSha256: '75410c9723430b920592093014fc53641f6207e01b52c016c848ba62bf2da805',
  member: 'schema/compose-spec.json',
} as const;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The first http(s) entry of `GOPROXY`, else the public Go module proxy. */
function goProxy(): string {
  const entry = (process.env.GOPROXY ?? '').split(/[,|]/).find((part) => part.startsWith('http'));
  return (entry ?? 'https://proxy.golang.org').replace(/\/+$/, '');
}

/**
 * Returns the parsed Compose Specification schema, downloading the pinned
 * module zip once (verified by SHA-256) and extracting the schema with
 * Python's `zipfile` (Python is already needed for the Temporal wheels).
 *
 * @returns the schema object
 */
export async function composeSpecSchema(): Promise<Record<string, unknown>> {
  const cacheFile = join(REPO_ROOT, '.cache', 'compose-spec', `compose-spec-${COMPOSE_GO.version}.json`);
  if (!existsSync(cacheFile)) await downloadSchema(cacheFile);
  return JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, unknown>;
}

async function downloadSchema(cacheFile: string): Promise<void> {
  const url = `${goProxy()}/${COMPOSE_GO.module}/@v/${COMPOSE_GO.version}.zip`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const zip = Buffer.from(await response.arrayBuffer());
  const digest = createHash('sha256').update(zip).digest('hex');
  if (digest !== COMPOSE_GO.zipSha256) throw new Error(`${url}: SHA-256 ${digest}, expected ${COMPOSE_GO.zipSha256}`);
  await mkdir(dirname(cacheFile), { recursive: true });
  const zipFile = `${cacheFile}.${process.pid}.zip`;
  const partial = `${cacheFile}.${process.pid}.part`;
  await writeFile(zipFile, zip);
  try {
    const member = `${COMPOSE_GO.module}@${COMPOSE_GO.version}/${COMPOSE_GO.member}`;
    const script = 'import sys, zipfile\nopen(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))';
    await execFileAsync('python3', ['-c', script, zipFile, member, partial], { timeout: 60_000 });
    await rename(partial, cacheFile);
  } finally {
    await rm(zipFile, { force: true });
    await rm(partial, { force: true });
  }
}
