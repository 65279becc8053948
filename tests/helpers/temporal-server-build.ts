import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MODULE = 'go.temporal.io/server';

/** The Temporal server and its SQL schema tool, as the compose file's images carry them. */
export interface TemporalServerBuild {
  /** The server version, e.g. `1.31.0` (the compose file's default image tag). */
  readonly version: string;
  /** `temporal-server` (the `temporalio/server` image's binary; `start` renders its embedded config template from the environment). */
  readonly server: string;
  /** `temporal-sql-tool` (the `temporalio/admin-tools` image's schema tool). */
  readonly sqlTool: string;
  /** The PostgreSQL schema directory, laid out like `/etc/temporal/schema/postgresql/v12` in admin-tools. */
  readonly postgresSchemaDir: string;
}

/**
 * The default `temporalio/server` tag of `docker-compose.yml`, so the binaries
 * built here are the version the stack runs.
 *
 * @returns the version, e.g. `1.31.0`
 */
export async function composeTemporalVersion(): Promise<string> {
  const compose = await readFile(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
  const match = /image: temporalio\/server:\$\{TEMPORAL_VERSION:-([0-9.]+)\}/.exec(compose);
  if (match?.[1] === undefined) throw new Error('docker-compose.yml names no default temporalio/server tag');
  return match[1];
}

/**
 * Builds `temporal-server` and `temporal-sql-tool` of the compose file's
 * Temporal version from their Go module (the Go module proxy is one of the
 * registries this project may use; the Docker images are not reachable
 * here), once, into `.cache/temporal-server/<version>/`, with the schema
 * files of the same module next to them. Needs `go` on `PATH` (`.ci/run`
 * fetches a Go toolchain from the module proxy when the machine has none).
 *
 * @returns the binaries and schema directory
 */
export async function temporalServerBuild(): Promise<TemporalServerBuild> {
  const version = await composeTemporalVersion();
  const home = join(REPO_ROOT, '.cache', 'temporal-server', version);
  const build: TemporalServerBuild = {
    version,
    server: join(home, 'bin', 'temporal-server'),
    sqlTool: join(home, 'bin', 'temporal-sql-tool'),
    postgresSchemaDir: join(home, 'schema', 'postgresql', 'v12'),
  };
  const complete = () => existsSync(build.server) && existsSync(build.sqlTool) && existsSync(build.postgresSchemaDir);
  if (complete()) return build;

  await mkdir(dirname(home), { recursive: true });
  const staging = await mkdtemp(`${home}.part-`);
  try {
    const env = { ...process.env, GOBIN: join(staging, 'bin'), GOFLAGS: '-trimpath -buildvcs=false' };
    const go = (...args: string[]) => execFileAsync('go', args, { env, timeout: 25 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    await go('install', '-ldflags=-s -w', `${MODULE}/cmd/server@v${version}`, `${MODULE}/cmd/tools/sql@v${version}`);
    await rename(join(staging, 'bin', 'server'), join(staging, 'bin', 'temporal-server'));
    await rename(join(staging, 'bin', 'sql'), join(staging, 'bin', 'temporal-sql-tool'));
    const { stdout } = await go('mod', 'download', '-json', `${MODULE}@v${version}`);
    const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
    await cp(join(moduleDir, 'schema', 'postgresql'), join(staging, 'schema', 'postgresql'), { recursive: true });
    // The module cache is read-only; the copy must stay removable.
    await execFileAsync('chmod', ['-R', 'u+w', join(staging, 'schema')]);
    // A concurrent build (`.ci/run`'s background one) may have finished first: keep its result, in use.
    if (complete()) await rm(staging, { recursive: true, force: true });
    else {
      await rm(home, { recursive: true, force: true });
      await rename(staging, home);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not build Temporal ${version} from ${MODULE} (needs Go and the Go module proxy): ${reason}`);
  }
  return build;
}
